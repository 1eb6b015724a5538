//go:build !noasm

#include "textflag.h"

// func classifyAVX2(data *byte, blocks int, special *uint64)
//
// For each of blocks runs of 64 bytes, writes one word of the bitmap; see
// classifyGeneric for what it marks. blocks must be at least 1.
TEXT ·classifyAVX2(SB), NOSPLIT, $0-24
	MOVQ data+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ special+16(FP), R8

	MOVL         $0x22, AX
	MOVQ         AX, X10
	VPBROADCASTB X10, Y10 // '"'
	MOVL         $0x5c, AX
	MOVQ         AX, X11
	VPBROADCASTB X11, Y11 // '\\'
	MOVL         $0x20, AX
	MOVQ         AX, X12
	VPBROADCASTB X12, Y12 // ' '

loop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1

	// '"' or '\\'
	VPCMPEQB Y10, Y0, Y2
	VPCMPEQB Y10, Y1, Y4
	VPCMPEQB Y11, Y0, Y3
	VPCMPEQB Y11, Y1, Y5
	VPOR     Y3, Y2, Y2
	VPOR     Y5, Y4, Y4

	// or below ' ' or above 0x7f: ' ' > b, signed
	VPCMPGTB  Y0, Y12, Y3
	VPOR      Y3, Y2, Y2
	VPCMPGTB  Y1, Y12, Y5
	VPOR      Y5, Y4, Y4
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R8)

	ADDQ $64, SI
	ADDQ $8, R8
	DECQ CX
	JNZ  loop

	VZEROUPPER
	RET

// func classifyLineAVX2(data *byte, blocks int, special *uint64) int
//
// classifyAVX2 that stops after the first run of 64 bytes holding a '\n'
// (a line's end): returns the runs classified. blocks must be at least 1.
TEXT ·classifyLineAVX2(SB), NOSPLIT, $0-32
	MOVQ data+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ special+16(FP), R8
	MOVQ CX, R9

	MOVL         $0x22, AX
	MOVQ         AX, X10
	VPBROADCASTB X10, Y10 // '"'
	MOVL         $0x5c, AX
	MOVQ         AX, X11
	VPBROADCASTB X11, Y11 // '\\'
	MOVL         $0x20, AX
	MOVQ         AX, X12
	VPBROADCASTB X12, Y12 // ' '
	MOVL         $0x0a, AX
	MOVQ         AX, X13
	VPBROADCASTB X13, Y13 // '\n'

lineloop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1

	VPCMPEQB Y10, Y0, Y2
	VPCMPEQB Y10, Y1, Y4
	VPCMPEQB Y11, Y0, Y3
	VPCMPEQB Y11, Y1, Y5
	VPOR     Y3, Y2, Y2
	VPOR     Y5, Y4, Y4

	VPCMPGTB  Y0, Y12, Y3
	VPOR      Y3, Y2, Y2
	VPCMPGTB  Y1, Y12, Y5
	VPOR      Y5, Y4, Y4
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R8)

	// a '\n' in the run: the line ends in it
	VPCMPEQB Y13, Y0, Y6
	VPCMPEQB Y13, Y1, Y7
	VPOR     Y7, Y6, Y6

	ADDQ   $64, SI
	ADDQ   $8, R8
	DECQ   CX
	VPTEST Y6, Y6
	JNZ    linedone
	TESTQ  CX, CX
	JNZ    lineloop

linedone:
	SUBQ CX, R9
	MOVQ R9, ret+24(FP)
	VZEROUPPER
	RET
