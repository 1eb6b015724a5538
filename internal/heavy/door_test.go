package heavy

import (
	"math/rand/v2"
	"testing"
)

// TestDoorCounters checks the doorkeeper's two-bit counters against a
// byte a counter: keys whose counters share a byte (hashes 0 to 7) and
// keys that wrap around its size hold their own counts, for the largest
// doorkeeper and a small one; Peek changes nothing.
func TestDoorCounters(t *testing.T) {
	for _, size := range []int{DoorSize, DoorLen(100)} {
		d := NewDoor(size)
		model := make([]uint8, size)
		n := uint64(size)
		hashes := []uint64{0, 1, 2, 3, 4, 5, 6, 7, n - 1, n, n + 3, 1<<63 | 5, 0xdeadbeef}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 2000 {
			h := hashes[rng.IntN(len(hashes))]
			if rng.IntN(4) == 0 {
				h = rng.Uint64()
			}
			before := d.Peek(h)
			if d.Peek(h) != before {
				t.Fatalf("size %d: Peek(%#x) changed the counters", size, h)
			}
			c := &model[h&(n-1)]
			want := *c < DoorAbsorb
			if want {
				*c++
			}
			if got := d.Hold(h); got != want {
				t.Fatalf("size %d: Hold(%#x) = %v, want %v (counter %d)", size, h, got, want, *c)
			}
		}
	}
}

// TestDoorLen checks the doorkeeper's size: 32 counters a row, a power of
// two, from 1,024 to DoorSize.
func TestDoorLen(t *testing.T) {
	for _, c := range []struct{ rows, want int }{{0, 1 << 10}, {10, 1 << 10}, {100, 1 << 12}, {8192, 1 << 18}, {32768, DoorSize}, {1 << 30, DoorSize}} {
		if got := DoorLen(c.rows); got != c.want {
			t.Errorf("DoorLen(%d) = %d, want %d", c.rows, got, c.want)
		}
	}
}
