package sketch

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// TestExactIsSketch: a distribution of few values keeps them exact and
// reports the very quantiles a sketch of them would, so that results do not
// depend on when the sketch is made; adds and merges in any order, across
// the exact limit, give the same quantiles.
func TestExactIsSketch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	qs := []float64{0, 0.01, 0.25, 0.5, 0.9, 0.99, 1}
	for trial := range 300 {
		n := 1 + rng.IntN(3*exactLimit)
		values := make([]time.Duration, n)
		for i := range values {
			switch rng.IntN(6) {
			case 0:
				values[i] = 0
			case 1:
				values[i] = -time.Duration(rng.Int64N(int64(time.Second)))
			default:
				values[i] = time.Duration(rng.Int64N(int64(10 * time.Second)))
			}
			if trial%7 == 0 {
				values[i] = values[0] // all equal
			}
		}
		sk := ddsketch.NewDDSketchFromStoreProvider(sketchMapping, store.BufferedPaginatedStoreConstructor)
		for _, v := range values {
			if err := sk.Add(float64(v)); err != nil {
				t.Fatal(err)
			}
		}
		// One by adds, one by merging random pieces.
		added := new(Durations)
		for _, v := range values {
			added.Add(v)
		}
		merged := new(Durations)
		for rest := values; len(rest) > 0; {
			k := 1 + rng.IntN(len(rest))
			piece := new(Durations)
			for _, v := range rest[:k] {
				piece.Add(v)
			}
			merged.Merge(piece)
			rest = rest[k:]
		}
		if added.sketched() != (n > exactLimit) || merged.sketched() != (n > exactLimit) || (added.more == nil) != (n <= 2) {
			t.Fatalf("%d values: sketch made %v (adds), %v (merges)", n, added.sketched(), merged.sketched())
		}
		for _, q := range qs {
			v, err := sk.GetValueAtQuantile(q)
			if err != nil {
				t.Fatal(err)
			}
			want := min(max(time.Duration(math.Round(v)), added.min), added.max)
			if got := added.Quantile(q); got != want {
				t.Errorf("trial %d, %d values: q%v = %v, a sketch says %v", trial, n, q, got, want)
			}
			if got := merged.Quantile(q); got != want {
				t.Errorf("trial %d, %d values: merged q%v = %v, a sketch says %v", trial, n, q, got, want)
			}
		}
	}
}
