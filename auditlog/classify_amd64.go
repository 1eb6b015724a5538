//go:build !noasm

package auditlog

import "golang.org/x/sys/cpu"

// useClassify says the scanner classifies texts with AVX2 before scanning
// them; tests turn it off to check the portable path.
var useClassify = cpu.X86.HasAVX2

// classifyBlocks fills one word of the bitmap per 64 bytes of data, whose
// length is a multiple of 64. It needs AVX2.
func classifyBlocks(data []byte, special []uint64) {
	classifyAVX2(&data[0], len(data)/64, &special[0], false)
}

// classifyLineBlocks is classifyBlocks that stops after the first run of
// 64 bytes holding a '\n', and returns the runs classified.
func classifyLineBlocks(data []byte, special []uint64) int {
	return classifyAVX2(&data[0], len(data)/64, &special[0], true)
}

//go:noescape
func classifyAVX2(data *byte, blocks int, special *uint64, lines bool) int
