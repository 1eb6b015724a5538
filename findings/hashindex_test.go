package findings

import (
	"math/rand/v2"
	"testing"
)

// TestHashIndex inserts and removes rows at random, with hashes drawn from
// a few values (so that equal hashes, equal first slots and runs that go
// round the end of the slots are common) or from every value, and checks
// after each step that every row held is found by its hash and no row
// taken out is, against a map.
func TestHashIndex(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hashes uint64 // distinct hashes drawn from; 0: any
		steps  int
	}{
		{"equal hashes", 3, 2000},
		{"few hashes", 50, 5000},
		{"any hash", 0, 20000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.steps), 2))
			var x hashIndex
			held := map[int32]uint64{} // position -> hash
			hashOf := func() uint64 {
				if tc.hashes == 0 {
					return rng.Uint64()
				}
				// Spread over the high bits, where the tag and first slot
				// are; one in four has the last slot of the array first, so
				// that runs go round its end.
				h := rng.Uint64N(tc.hashes) * 0x9e3779b97f4a7c15
				if rng.IntN(4) == 0 {
					h |= 0xffff << 32
				}
				return h
			}
			next := int32(0)
			for step := range tc.steps {
				if len(held) > 0 && rng.IntN(3) == 0 {
					for pos, h := range held { // a row at random
						x.remove(h, pos)
						delete(held, pos)
						if _, ok := x.find(h, func(p int32) bool { return p == pos }); ok {
							t.Fatalf("step %d: row %d found after it was taken out", step, pos)
						}
						break
					}
				} else {
					h := hashOf()
					x.insert(h, next)
					held[next] = h
					next++
				}
				if x.used != len(held) {
					t.Fatalf("step %d: %d rows used, %d held", step, x.used, len(held))
				}
				if 2*x.used > len(x.slots) {
					t.Fatalf("step %d: %d rows in %d slots", step, x.used, len(x.slots))
				}
				if step%97 != 0 && step != tc.steps-1 {
					continue
				}
				for pos, h := range held {
					got, ok := x.find(h, func(p int32) bool { return p == pos })
					if !ok || got != pos {
						t.Fatalf("step %d: row %d (hash %x) found at %d, %v", step, pos, h, got, ok)
					}
				}
			}
		})
	}
}

// TestHashIndexEmpty checks that an empty index finds nothing and that
// taking out what it does not hold changes nothing.
func TestHashIndexEmpty(t *testing.T) {
	var x hashIndex
	if _, ok := x.find(42, func(int32) bool { return true }); ok {
		t.Fatal("found a row in an empty index")
	}
	x.insert(42, 0)
	x.remove(43, 1)
	x.remove(42, 1)
	if x.used != 1 {
		t.Fatalf("%d rows used after taking out rows not held, want 1", x.used)
	}
	if pos, ok := x.find(42, func(int32) bool { return true }); !ok || pos != 0 {
		t.Fatalf("row 0 found at %d, %v", pos, ok)
	}
}
