package aggregate

import "hash/maphash"

// groupIndex finds a group of an outer group by its key: a table of the
// groups' positions in the outer group's rows, open addressing with
// linear probing. Each slot holds a position and the low 32 bits of its
// key's hash, which also place it, so that growing and compacting hash no
// key again and a probe reads a group's key only when those bits match.
// Groups are let go half at a time (makeRoom), and the index is then
// compacted rather than deleted from.
//
// It takes 8 bytes a slot and keeps at least half its slots free: 16 to
// 32 bytes a group while it grows (BenchmarkGroupMemory: 18 bytes a group
// fewer than with the map of keys it replaced), and a probe reads
// no key of another group but for 32 equal hash bits, where a map's reads
// the key of every group whose 7 hash bits match.
type groupIndex struct {
	slots []uint64 // the hash's low 32 bits << 32 | position + 1; 0: free
	n     int      // the groups indexed
}

// groupSeed seeds the hashes of groups' keys. A hash only places a group
// in its index: no result depends on it.
var groupSeed = maphash.MakeSeed()

// hashGroupKey is the hash of a group's key as read (see Grouped.Add) in
// an index.
func hashGroupKey(key []byte) uint32 { return uint32(maphash.Bytes(groupSeed, key)) }

// firstIndexSlots is the size of an index's first table: most outer keys
// of some groupings have a few groups.
const firstIndexSlots = 16

// find returns the position in rows of the group hashed h for which same
// is true, and whether there is one.
func (x *groupIndex) find(h uint32, rows *groupRows, same func(*group) bool) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	mask := uint32(len(x.slots) - 1)
	for s := h & mask; ; s = (s + 1) & mask {
		v := x.slots[s]
		switch {
		case v == 0:
			return 0, false
		case uint32(v>>32) == h:
			if i := int32(uint32(v) - 1); same(rows.at(i)) {
				return i, true
			}
		}
	}
}

// insert indexes the group at position i, whose key hashes to h and is
// not in x yet.
func (x *groupIndex) insert(h uint32, i int32) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow(max(2*len(x.slots), firstIndexSlots))
	}
	x.place(uint64(h)<<32 | uint64(uint32(i)+1))
	x.n++
}

// place puts the slot value v in its free slot.
func (x *groupIndex) place(v uint64) {
	mask := uint32(len(x.slots) - 1)
	s := uint32(v>>32) & mask
	for x.slots[s] != 0 {
		s = (s + 1) & mask
	}
	x.slots[s] = v
}

// grow moves the index to a table of size slots, a power of two.
func (x *groupIndex) grow(size int) {
	old := x.slots
	x.slots = make([]uint64, size)
	for _, v := range old {
		if v != 0 {
			x.place(v)
		}
	}
}

// compact drops from x the groups of rows let go (keyLen 0) and moves
// the others where a probe finds them, in place and with no key hashed
// again: after each slot is cleared, from one that was free, every
// group is taken out and placed again, in order, so that each lands at
// or before where it was, with no free slot between it and its home.
func (x *groupIndex) compact(rows *groupRows) {
	mask := uint32(len(x.slots) - 1)
	free := -1
	for s, v := range x.slots {
		switch {
		case v == 0:
			if free < 0 {
				free = s
			}
		case rows.at(int32(uint32(v)-1)).keyLen == 0:
			x.slots[s] = 0
			x.n--
		}
	}
	if free < 0 || x.n == 0 {
		return // no slot was free: none is ever (insert keeps half free); or none is kept
	}
	for k := uint32(1); k <= mask; k++ {
		s := (uint32(free) + k) & mask
		if v := x.slots[s]; v != 0 {
			x.slots[s] = 0
			x.place(v)
		}
	}
}

// reserve makes room for n groups without growing.
func (x *groupIndex) reserve(n int) {
	size := firstIndexSlots
	for size < 2*n {
		size *= 2
	}
	if size > len(x.slots) {
		x.grow(size)
	}
}
