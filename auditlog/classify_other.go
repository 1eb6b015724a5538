//go:build !amd64 || noasm

package auditlog

// useClassify is false where there is no fast classifier: the scanner's
// eight-bytes-at-a-time loops are faster than a portable one.
var useClassify = false

// classifyBlocks is classifyGeneric where there is no fast classifier.
func classifyBlocks(data []byte, special []uint64) {
	classifyGeneric(data, special)
}

// classifyLineBlocks is classifyLineGeneric where there is no fast
// classifier.
func classifyLineBlocks(data []byte, special []uint64) int {
	return classifyLineGeneric(data, special)
}
