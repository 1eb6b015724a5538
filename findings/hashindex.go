package findings

// hashIndex finds the position of a table's row by its key's 64-bit hash:
// open addressing with linear probing over a power of two of slots, at
// most half of them used, each slot 8 bytes. A lookup mostly reads one
// cache line of slots, where a Go map of the same rows reads a group's
// control word and its slots, with more misses on a large table; keys
// whose hashes are equal simply have a slot each, and the caller tells
// them apart by comparing its keys.
type hashIndex struct {
	slots []indexSlot
	used  int
}

// indexSlot is a slot of hashIndex: the high 32 bits of a row's hash
// (tag), whose low bits are also the slot the row is looked for first,
// and the row's position plus one (pos1); 0 in an empty slot.
type indexSlot struct {
	tag  uint32
	pos1 int32
}

// minIndexSlots is the size of a hashIndex's first array of slots.
const minIndexSlots = 64

// tagOf is the tag of a hash in a hashIndex.
func tagOf(h uint64) uint32 { return uint32(h >> 32) }

// find returns the position of the row whose hash is h and that same
// says is the one looked for, and whether there is one. same is called
// only for rows whose tag is h's.
func (x *hashIndex) find(h uint64, same func(pos int32) bool) (int32, bool) {
	if len(x.slots) == 0 {
		return 0, false
	}
	mask := uint32(len(x.slots) - 1)
	tag := tagOf(h)
	for i := tag & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s.pos1 == 0 {
			return 0, false
		}
		if s.tag == tag && same(s.pos1-1) {
			return s.pos1 - 1, true
		}
	}
}

// insert adds the row at position pos, whose hash is h; the index may
// already hold rows of the same hash.
func (x *hashIndex) insert(h uint64, pos int32) {
	if 2*(x.used+1) > len(x.slots) {
		x.grow()
	}
	x.put(indexSlot{tag: tagOf(h), pos1: pos + 1})
	x.used++
}

// put writes s in the first free slot from its tag's.
func (x *hashIndex) put(s indexSlot) {
	mask := uint32(len(x.slots) - 1)
	i := s.tag & mask
	for x.slots[i].pos1 != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = s
}

// grow doubles the slots (to minIndexSlots at first) and puts every row
// back.
func (x *hashIndex) grow() {
	old := x.slots
	x.slots = make([]indexSlot, max(minIndexSlots, 2*len(old)))
	for _, s := range old {
		if s.pos1 != 0 {
			x.put(s)
		}
	}
}

// remove takes out the row at position pos, whose hash is h, which the
// index must hold. The rows after it in its run move back, so that no
// slot is left marked deleted and a lookup still stops at the first
// empty slot.
func (x *hashIndex) remove(h uint64, pos int32) {
	mask := uint32(len(x.slots) - 1)
	tag := tagOf(h)
	i := tag & mask
	for x.slots[i] != (indexSlot{tag: tag, pos1: pos + 1}) {
		if x.slots[i].pos1 == 0 {
			return // not held: nothing to take out
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; x.slots[j].pos1 != 0; j = (j + 1) & mask {
		// The row at j may move back to i unless its first slot is after
		// i, up to j (going round the end of the slots).
		home := x.slots[j].tag & mask
		if (j-home)&mask < (j-i)&mask {
			continue
		}
		x.slots[i] = x.slots[j]
		i = j
	}
	x.slots[i] = indexSlot{}
	x.used--
}
