package findings

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/auditlens/auditlens/internal/batch"
)

// TestKeyCounts checks keyCounts against a map: exact counts when it has
// room for every key, and else never more than a key's requests, with
// every request counted or dropped; through batches left part full, keys
// from a reused buffer, and a merge of two tables.
func TestKeyCounts(t *testing.T) {
	for _, max := range []int{1000, 40} {
		rng := rand.New(rand.NewPCG(5, uint64(max)))
		a, b := newKeyCounts(max), newKeyCounts(max)
		want := map[string]int64{}
		var buf []byte
		n := 3*batch.Max + 7
		for i := range 2 * n {
			key := fmt.Sprintf("system:serviceaccount:ns:user-%d", rng.IntN(60))
			want[key]++
			switch tb := &a; {
			case i >= n:
				tb = &b
				fallthrough
			case i%2 == 0:
				buf = append(buf[:0], key...)
				tb.countBytes(buf)
				buf[len(buf)-1] = '!' // the table keeps its own copy
			default:
				tb.count(key)
			}
		}
		if len(a.pending) == 0 || len(b.pending) == 0 {
			t.Fatal("no key held before the merge: the case does not test it")
		}
		a.merge(&b)
		var counted, total int64
		for key, w := range want {
			total += w
			got := a.of(key)
			counted += got
			// A full table drops a request whose key it has no row for:
			// each side had its own rows, so a key's count may be short.
			if got != w && (max >= len(want) || got > w) {
				t.Errorf("max %d: %q counted %d times, want %d", max, key, got, w)
			}
		}
		if d := a.droppedRequests(); counted+d != total || (max >= len(want)) != (d == 0) {
			t.Errorf("max %d: %d counted and %d dropped of %d requests", max, counted, d, total)
		}
		if len(a.rows) > max {
			t.Errorf("max %d: %d rows", max, len(a.rows))
		}
	}
}
