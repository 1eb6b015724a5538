//go:build !noasm

#include "textflag.h"

// func classifyAVX2(data *byte, blocks int, quote, backslash, special, bracket *uint64)
//
// For each of blocks runs of 64 bytes, writes one word of each bitmap; see
// classifyGeneric for what each bitmap marks. blocks must be at least 1.
TEXT ·classifyAVX2(SB), NOSPLIT, $0-48
	MOVQ data+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ quote+16(FP), DI
	MOVQ backslash+24(FP), DX
	MOVQ special+32(FP), R8
	MOVQ bracket+40(FP), R9

	MOVL         $0x22, AX
	MOVQ         AX, X10
	VPBROADCASTB X10, Y10 // '"'
	MOVL         $0x5c, AX
	MOVQ         AX, X11
	VPBROADCASTB X11, Y11 // '\\'
	MOVL         $0x20, AX
	MOVQ         AX, X12
	VPBROADCASTB X12, Y12 // ' '
	MOVL         $0x7b, AX
	MOVQ         AX, X13
	VPBROADCASTB X13, Y13 // '{', and '[' | 0x20
	MOVL         $0x7d, AX
	MOVQ         AX, X14
	VPBROADCASTB X14, Y14 // '}', and ']' | 0x20

loop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1

	// '"'
	VPCMPEQB  Y10, Y0, Y2
	VPCMPEQB  Y10, Y1, Y4
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (DI)

	// '\\'
	VPCMPEQB  Y11, Y0, Y3
	VPCMPEQB  Y11, Y1, Y5
	VPMOVMSKB Y3, AX
	VPMOVMSKB Y5, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (DX)
	VPOR      Y3, Y2, Y2
	VPOR      Y5, Y4, Y4

	// and the bytes below ' ' or above 0x7f: ' ' > b, signed
	VPCMPGTB  Y0, Y12, Y3
	VPOR      Y3, Y2, Y2
	VPCMPGTB  Y1, Y12, Y5
	VPOR      Y5, Y4, Y4
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R8)

	// brackets: b | 0x20 is '{' or '}'
	VPOR      Y12, Y0, Y0
	VPCMPEQB  Y13, Y0, Y2
	VPCMPEQB  Y14, Y0, Y3
	VPOR      Y3, Y2, Y2
	VPOR      Y12, Y1, Y1
	VPCMPEQB  Y13, Y1, Y4
	VPCMPEQB  Y14, Y1, Y5
	VPOR      Y5, Y4, Y4
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R9)

	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, DX
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ CX
	JNZ  loop

	VZEROUPPER
	RET
