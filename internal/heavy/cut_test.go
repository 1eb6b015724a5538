package heavy

import (
	"math/rand/v2"
	"testing"
)

// TestCut checks that about half of the ranks are at most the cut, and
// at least the lowest, whatever their number and spread.
func TestCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n, spread int
	}{{1, 10}, {2, 10}, {7, 3}, {1000, 1 << 30}, {1025, 1 << 30}, {32768, 1 << 30}, {100000, 1 << 40}, {50000, 4}} {
		ranks := make([]uint64, tc.n)
		lowest := ^uint64(0)
		for i := range ranks {
			ranks[i] = uint64(rng.Int64N(int64(tc.spread)))
			lowest = min(lowest, ranks[i])
		}
		all := append([]uint64(nil), ranks...)
		cut := cut(ranks)
		below := 0
		for _, r := range all {
			if r <= cut {
				below++
			}
		}
		if cut < lowest || below == 0 {
			t.Errorf("%d ranks: cut %d lets go of none", tc.n, cut)
		}
		// Ranks drawn from few values tie at the cut: more go.
		if tc.spread > tc.n && (float64(below) < 0.4*float64(tc.n) || float64(below) > 0.6*float64(tc.n)+1) {
			t.Errorf("%d ranks: %d at most the cut, want about half", tc.n, below)
		}
	}
}
