package auditlog

import (
	"bytes"
	"math/bits"
	"slices"
)

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

// classifyLineGeneric is classifyLineBlocks one byte at a time: the
// definition the fast one is tested against.
func classifyLineGeneric(data []byte, special []uint64) int {
	for w := range len(data) / 64 {
		run := data[w*64 : w*64+64]
		classifyGeneric(run, special[w:w+1])
		if bytes.IndexByte(run, '\n') >= 0 {
			return w + 1
		}
	}
	return len(data) / 64
}

// lineRuns is the most runs of 64 bytes classifyLine classifies at once:
// the bitmap grows with the line, not with the block it is in.
const lineRuns = 64

// classifyLine classifies the line data starts with, in the pass that
// finds its end: its bytes up to the first '\n', or all of data when
// there is none. It returns the line's length, and whether a '\n' ends
// it; the bitmap is then the line's alone, as classify leaves it. It
// needs a fast classifier (useClassify) to be worth it, and classifies a
// line of any length.
func (c *classes) classifyLine(data []byte) (n int, ended bool) {
	c.special = c.special[:0]
	whole := len(data) &^ 63
	for at := 0; at < whole; {
		runs := min((whole-at)/64, lineRuns)
		w := at / 64
		c.special = slices.Grow(c.special, runs)[:w+runs]
		k := classifyLineBlocks(data[at:at+runs*64], c.special[w:])
		at += k * 64
		if i := bytes.IndexByte(data[at-64:at], '\n'); i >= 0 {
			c.truncate(at - 64 + i)
			return at - 64 + i, true
		}
	}
	if at := whole; at < len(data) {
		var tail [64]byte
		copy(tail[:], data[at:])
		c.special = append(c.special, 0)
		classifyBlocks(tail[:], c.special[len(c.special)-1:])
		if i := bytes.IndexByte(data[at:], '\n'); i >= 0 {
			c.truncate(at + i)
			return at + i, true
		}
	}
	c.truncate(len(data))
	return len(data), false
}

// truncate makes the bitmap that of the first n bytes classified.
func (c *classes) truncate(n int) {
	c.special = c.special[:(n+63)/64]
	if r := n % 64; r != 0 {
		c.special[len(c.special)-1] &= 1<<r - 1
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
