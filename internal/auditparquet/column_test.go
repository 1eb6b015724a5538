package auditparquet

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestStringColumn: values of every length around a chunk's (empty, a
// byte, filling a chunk to the byte, longer than one and than two), in
// columns of repeats and not, read back equal, over resets that hand the
// chunks to another column of the same pool.
func TestStringColumn(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lengths := []int{0, 1, chunkBytes - 1, chunkBytes, chunkBytes + 1, 2 * chunkBytes, 2*chunkBytes + 5, 7, 100}
	var pool Chunks
	cols := [2]stringColumn{{pool: &pool}, {pool: &pool, rows: []uint32{}}}
	for round := range 3 {
		var want [2][]string
		for i := range 2000 {
			n := rng.IntN(300)
			switch {
			case i%50 == 0:
				n = lengths[rng.IntN(len(lengths))]
			case i%7 == 0 && i > 0:
				n = chunkBytes - int(cols[0].end%chunkBytes) // fills the chunk to the byte
			}
			v := strings.Repeat(string(rune('a'+i%26)), n)
			if i%3 == 0 && len(want[1]) > 0 {
				v = want[1][len(want[1])-1] // a repeat
			}
			cols[0].add(v)
			cols[1].addRepeat(v)
			want[0], want[1] = append(want[0], v), append(want[1], v)
		}
		for c := range cols {
			for i, v := range want[c] {
				var got []byte
				if c == 0 {
					got = cols[c].value(uint32(i))
				} else {
					got = cols[c].row(int32(i))
				}
				if string(got) != v {
					t.Fatalf("round %d, column %d, value %d: %d bytes read, want %d", round, c, i, len(got), len(v))
				}
			}
		}
		if len(cols[1].ends) >= len(want[1]) {
			t.Errorf("round %d: the column of repeats keeps %d values of %d rows", round, len(cols[1].ends), len(want[1]))
		}
		for c := range cols {
			cols[c].reset()
		}
		if len(pool.free) == 0 {
			t.Errorf("round %d: no chunk given back", round)
		}
		cols[0], cols[1] = cols[1], cols[0]
		cols[0].rows, cols[1].rows = nil, []uint32{}
	}
}
