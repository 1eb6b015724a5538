package auditlog

import "math/bits"

// classes holds a bitmap of the bytes of one JSON text that the scanner
// stops at inside a string, so that it can jump over everything else: bit
// i%64 of word i/64 is byte i. Bits past the end of the text are zero.
type classes struct {
	// special marks the bytes a checked string cannot hold as they are:
	// '"', '\\', control characters and non-ASCII bytes.
	special []uint64
}

// minClassify is the shortest text classified. A chosen bound, not a
// measured crossover: audit events are almost all longer, and for a few
// dozen bytes the eight-bytes-at-a-time loops need no set-up.
const minClassify = 256

// classify fills c for data when the machine has a fast classifier, and
// reports whether it did.
func (c *classes) classify(data []byte) bool {
	if !useClassify || len(data) < minClassify {
		return false
	}
	n := (len(data) + 63) / 64
	if cap(c.special) < n {
		c.special = make([]uint64, n, n+n/4)
	}
	c.special = c.special[:n]
	whole := len(data) &^ 63
	if whole > 0 {
		classifyBlocks(data[:whole], c.special)
	}
	if rest := len(data) - whole; rest > 0 {
		var tail [64]byte
		copy(tail[:], data[whole:])
		w := n - 1
		classifyBlocks(tail[:], c.special[w:])
		// The zero padding is made of control characters.
		c.special[w] &= 1<<rest - 1
	}
	return true
}

// classifyGeneric is classifyBlocks one byte at a time: the definition the
// fast classifiers are tested against. len(data) is a multiple of 64.
func classifyGeneric(data []byte, special []uint64) {
	for w := range len(data) / 64 {
		var s uint64
		for i, c := range data[w*64 : w*64+64] {
			if c == '"' || c == '\\' || c < ' ' || c >= 0x80 {
				s |= 1 << i
			}
		}
		special[w] = s
	}
}

// nextBit returns the index of the first bit set at or after i in m, or
// end if there is none.
func nextBit(m []uint64, i, end int) int {
	w := i >> 6
	if w >= len(m) {
		return end
	}
	if x := m[w] >> (uint(i) & 63); x != 0 {
		return i + bits.TrailingZeros64(x)
	}
	for w++; w < len(m); w++ {
		if x := m[w]; x != 0 {
			return w<<6 + bits.TrailingZeros64(x)
		}
	}
	return end
}
