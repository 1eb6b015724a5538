package auditparquet

import (
	"encoding/binary"
	"errors"
)

// Parquet's footer and page headers are Thrift structures (compact
// protocol). The Parquet library allocates what their lengths and counts
// say before it checks them against the input, so a damaged length would
// make it allocate gigabytes. checkThrift walks a structure first, without
// allocating, and accepts it only when every length and count fits in the
// bytes that hold it.

// maxThriftDepth bounds the nesting of a structure.
const maxThriftDepth = 32

var errThrift = errors.New("malformed Thrift structure")

// checkThrift checks the compact-protocol struct at the start of b and
// returns its length in bytes.
func checkThrift(b []byte) (int, error) {
	c := thriftChecker{b: b}
	if !c.structure(0) {
		return 0, errThrift
	}
	return c.pos, nil
}

type thriftChecker struct {
	b   []byte
	pos int
}

func (c *thriftChecker) left() int { return len(c.b) - c.pos }

func (c *thriftChecker) byte() (byte, bool) {
	if c.pos >= len(c.b) {
		return 0, false
	}
	c.pos++
	return c.b[c.pos-1], true
}

func (c *thriftChecker) uvarint() (uint64, bool) {
	v, n := binary.Uvarint(c.b[c.pos:])
	if n <= 0 {
		return 0, false
	}
	c.pos += n
	return v, true
}

// skip moves over n bytes.
func (c *thriftChecker) skip(n uint64) bool {
	if n > uint64(c.left()) {
		return false
	}
	c.pos += int(n)
	return true
}

// structure checks fields up to the stop field.
func (c *thriftChecker) structure(depth int) bool {
	if depth > maxThriftDepth {
		return false
	}
	for {
		h, ok := c.byte()
		if !ok {
			return false
		}
		if h == 0 {
			return true // stop
		}
		if h>>4 == 0 { // a field id of its own follows
			if _, ok := c.uvarint(); !ok {
				return false
			}
		}
		if !c.value(h&0x0f, depth, true) {
			return false
		}
	}
}

// value checks a value of type t; inField says a boolean's value is in its
// field header.
func (c *thriftChecker) value(t byte, depth int, inField bool) bool {
	switch t {
	case 1, 2: // boolean
		if inField {
			return true
		}
		_, ok := c.byte()
		return ok
	case 3: // byte
		return c.skip(1)
	case 4, 5, 6: // i16, i32, i64
		_, ok := c.uvarint()
		return ok
	case 7: // double
		return c.skip(8)
	case 8: // binary
		n, ok := c.uvarint()
		return ok && c.skip(n)
	case 9, 10: // list, set
		h, ok := c.byte()
		if !ok {
			return false
		}
		n := uint64(h >> 4)
		if n == 15 {
			if n, ok = c.uvarint(); !ok {
				return false
			}
		}
		if n > uint64(c.left()) { // every element takes a byte at least
			return false
		}
		for range n {
			if !c.value(h&0x0f, depth+1, false) {
				return false
			}
		}
		return true
	case 11: // map
		n, ok := c.uvarint()
		if !ok || n > uint64(c.left())/2 {
			return false
		}
		if n == 0 {
			return true
		}
		kv, ok := c.byte()
		if !ok {
			return false
		}
		for range n {
			if !c.value(kv>>4, depth+1, false) || !c.value(kv&0x0f, depth+1, false) {
				return false
			}
		}
		return true
	case 12: // struct
		return c.structure(depth + 1)
	}
	return false
}
