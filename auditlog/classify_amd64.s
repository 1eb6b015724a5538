//go:build !noasm

#include "textflag.h"

// func classifyAVX2(data *byte, blocks int, special *uint64, lines bool) int
//
// For each of blocks runs of 64 bytes, writes one word of the bitmap; see
// classifyGeneric for what it marks. With lines, it stops after the first
// run that holds a '\n' (a line's end). It returns the runs classified.
// blocks must be at least 1.
TEXT ·classifyAVX2(SB), NOSPLIT, $0-40
	MOVQ    data+0(FP), SI
	MOVQ    blocks+8(FP), CX
	MOVQ    special+16(FP), R8
	MOVBLZX lines+24(FP), R10
	MOVQ    CX, R9

	// VEX-encoded moves only (VMOVQ, not MOVQ): on Intel processors a
	// legacy SSE instruction after a 256-bit one, with the upper halves
	// of the Y registers not cleared, costs a state transition of about
	// a hundred nanoseconds, paid here once per broadcast and per call
	// (each line classified).
	MOVL         $0x22, AX
	VMOVQ        AX, X10
	VPBROADCASTB X10, Y10 // '"'
	MOVL         $0x5c, AX
	VMOVQ        AX, X11
	VPBROADCASTB X11, Y11 // '\\'
	MOVL         $0x20, AX
	VMOVQ        AX, X12
	VPBROADCASTB X12, Y12 // ' '
	MOVL         $0x0a, AX
	VMOVQ        AX, X13
	VPBROADCASTB X13, Y13 // '\n'

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

	ADDQ  $64, SI
	ADDQ  $8, R8
	DECQ  CX
	TESTQ R10, R10
	JZ    next

	// a '\n' in the run: the line ends in it
	VPCMPEQB Y13, Y0, Y6
	VPCMPEQB Y13, Y1, Y7
	VPOR     Y7, Y6, Y6
	VPTEST   Y6, Y6
	JNZ      done

next:
	TESTQ CX, CX
	JNZ   loop

done:
	SUBQ CX, R9
	MOVQ R9, ret+32(FP)
	VZEROUPPER
	RET
