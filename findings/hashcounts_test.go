package findings

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestHashCounts checks hashCounts against a map: exact counts when it has
// room for every key, through its growth, whether a key comes as a string
// or in a reused buffer; else never more than a key's requests, with every
// request counted or dropped; and the same after a merge of two tables.
func TestHashCounts(t *testing.T) {
	for _, max := range []int{5000, 40} {
		rng := rand.New(rand.NewPCG(5, uint64(max)))
		a, b := newHashCounts(max), newHashCounts(max)
		want := map[string]int64{}
		var buf []byte
		const n = 20000
		for i := range n {
			key := fmt.Sprintf("system:serviceaccount:ns:user-%d", rng.IntN(3000))
			want[key]++
			tb := &a
			if i%3 == 0 {
				tb = &b
			}
			if i%2 == 0 {
				buf = append(buf[:0], key...)
				tb.countBytes(buf)
				buf[len(buf)-1] = '!' // the table keeps nothing of the buffer
			} else {
				tb.count(key)
			}
		}
		if len(a.slots) <= minHashSlots && max > len(want) {
			t.Fatalf("max %d: %d slots: the case does not test growth", max, len(a.slots))
		}
		a.merge(&b)
		var counted, total int64
		for key, w := range want {
			total += w
			got := a.of(key)
			counted += got
			// A full table drops a request whose key it has no slot for:
			// each side had its own keys, so a key's count may be short.
			if got != w && (max >= len(want) || got > w) {
				t.Errorf("max %d: %q counted %d times, want %d", max, key, got, w)
			}
		}
		if d := a.droppedRequests(); counted+d != total || (max >= len(want)) != (d == 0) {
			t.Errorf("max %d: %d counted and %d dropped of %d requests", max, counted, d, total)
		}
		if a.used > max {
			t.Errorf("max %d: %d keys", max, a.used)
		}
		if got := a.of("never counted"); got != 0 {
			t.Errorf("max %d: a key never counted has %d", max, got)
		}
	}
}

// TestHashCountsZero checks that a key whose hash is 0, the mark of an
// empty slot, is counted (under 1) and read back.
func TestHashCountsZero(t *testing.T) {
	c := newHashCounts(10)
	c.add(0, 3)
	c.add(0, 2)
	if c.used != 1 || c.slots[1&uint64(len(c.slots)-1)].n != 5 {
		t.Errorf("a key of hash 0: %d keys, slots %v", c.used, c.slots[:4])
	}
}
