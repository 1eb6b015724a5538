package findings

import "hash/maphash"

// hashCounts counts requests by the 64-bit hash of their key (keyHash),
// in at most max keys: a request whose key would be new when max keys are
// held is dropped and counted. It keeps no key, so a count is read by its
// key's hash; two keys whose hashes are equal would count as one, which,
// the hashes' seed being drawn afresh each run, is about one chance in
// 10^11 a run at 20,000 keys. It is for a detector that counts every
// request (a user's, or a user's writes of a resource) and reads only the
// counts of the few keys its findings name: a slot is 16 bytes, and
// counting a request reads one of them, in a table small enough to stay
// in the processor's caches.
type hashCounts struct {
	// slots are open addressing with linear probing over a power of two
	// of slots, at most half of them used; a slot whose hash is 0 is
	// empty (a key whose hash is 0 is counted under 1).
	slots   []hashCount
	used    int
	max     int
	dropped int64
}

// hashCount is a slot of hashCounts.
type hashCount struct {
	h uint64
	n int64
}

// minHashSlots is the size of a hashCounts' first array of slots.
const minHashSlots = 1024

func newHashCounts(max int) hashCounts { return hashCounts{max: max} }

// count counts a request of key.
func (c *hashCounts) count(key string) { c.add(maphash.String(keySeed, key), 1) }

// countBytes counts a request of key.
func (c *hashCounts) countBytes(key []byte) { c.add(keyHash(key), 1) }

// add counts n requests of the key whose hash is h.
func (c *hashCounts) add(h uint64, n int64) {
	if len(c.slots) == 0 {
		c.slots = make([]hashCount, minHashSlots)
	}
	s := c.slot(h)
	switch {
	case s.h != 0:
		s.n += n
	case c.used >= c.max:
		c.dropped += n
	case 2*(c.used+1) > len(c.slots):
		c.grow()
		c.add(h, n)
	default:
		s.h, s.n = max(h, 1), n
		c.used++
	}
}

// slot returns the slot of the key whose hash is h: the one that holds
// it, or else the empty one it would take. The slots must not be empty.
func (c *hashCounts) slot(h uint64) *hashCount {
	h = max(h, 1)
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if s := &c.slots[i]; s.h == h || s.h == 0 {
			return s
		}
	}
}

// grow doubles the slots and puts every count back.
func (c *hashCounts) grow() {
	old := c.slots
	c.slots, c.used = make([]hashCount, 2*len(old)), 0
	for _, s := range old {
		if s.h != 0 {
			c.add(s.h, s.n)
		}
	}
}

// of returns the requests of key counted.
func (c *hashCounts) of(key string) int64 {
	if len(c.slots) == 0 {
		return 0
	}
	return c.slot(maphash.String(keySeed, key)).n
}

// droppedRequests is the number of requests a full table did not count.
func (c *hashCounts) droppedRequests() int64 { return c.dropped }

// merge adds the counts of o to c.
func (c *hashCounts) merge(o *hashCounts) {
	c.dropped += o.dropped
	for _, s := range o.slots {
		if s.h != 0 {
			c.add(s.h, s.n)
		}
	}
}
