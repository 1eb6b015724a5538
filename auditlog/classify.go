package auditlog

import "math/bits"

// classes holds bitmaps of the bytes of one JSON text that the scanner
// stops at, so that it can jump over everything else: bit i%64 of word i/64
// is byte i. Bits past the end of the text are zero.
type classes struct {
	quote     []uint64 // '"'
	backslash []uint64 // '\\'
	// special marks the bytes a checked string cannot hold as they are:
	// '"', '\\', control characters and non-ASCII bytes.
	special []uint64
	bracket []uint64 // '{', '}', '[' and ']'
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
	if cap(c.quote) < n {
		c.quote = make([]uint64, n, n+n/4)
		c.backslash = make([]uint64, n, n+n/4)
		c.special = make([]uint64, n, n+n/4)
		c.bracket = make([]uint64, n, n+n/4)
	}
	c.quote, c.backslash, c.special, c.bracket = c.quote[:n], c.backslash[:n], c.special[:n], c.bracket[:n]
	whole := len(data) &^ 63
	if whole > 0 {
		classifyBlocks(data[:whole], c.quote, c.backslash, c.special, c.bracket)
	}
	if rest := len(data) - whole; rest > 0 {
		var tail [64]byte
		copy(tail[:], data[whole:])
		w := n - 1
		classifyBlocks(tail[:], c.quote[w:], c.backslash[w:], c.special[w:], c.bracket[w:])
		// The zero padding is made of control characters.
		c.special[w] &= 1<<rest - 1
	}
	return true
}

// classifyGeneric is classifyBlocks one byte at a time: the definition the
// fast classifiers are tested against. len(data) is a multiple of 64.
func classifyGeneric(data []byte, quote, backslash, special, bracket []uint64) {
	for w := range len(data) / 64 {
		var q, bs, s, b uint64
		for i, c := range data[w*64 : w*64+64] {
			bit := uint64(1) << i
			switch c {
			case '"':
				q |= bit
			case '\\':
				bs |= bit
			case '{', '}', '[', ']':
				b |= bit
			}
			if c == '"' || c == '\\' || c < ' ' || c >= 0x80 {
				s |= bit
			}
		}
		quote[w], backslash[w], special[w], bracket[w] = q, bs, s, b
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

// escapes returns the bytes of a word that a backslash escapes, given its
// backslashes and whether its first byte is escaped by the word before
// (carry, 0 or 1), and whether the next word's first byte is escaped.
func escapes(backslash, carry uint64) (escaped, next uint64) {
	escaped = carry
	backslash &^= carry // an escaped backslash escapes nothing
	for backslash != 0 {
		i := bits.TrailingZeros64(backslash)
		if i == 63 {
			return escaped, 1
		}
		escaped |= 1 << (i + 1)
		backslash &^= 3 << i
	}
	return escaped, 0
}

// prefixXor returns the word whose bit i is the parity of the bits of x at
// and below i: for the word's quotes, the bytes inside strings.
func prefixXor(x uint64) uint64 {
	x ^= x << 1
	x ^= x << 2
	x ^= x << 4
	x ^= x << 8
	x ^= x << 16
	x ^= x << 32
	return x
}
