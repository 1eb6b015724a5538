package aggregate

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestCompareJoined(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	word := func() string {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteByte("ab/"[rng.IntN(3)])
		}
		return b.String()
	}
	for range 5000 {
		a1, a2, b1, b2 := word(), word(), word(), word()
		if got, want := compareJoined(a1, a2, b1, b2), strings.Compare(a1+a2, b1+b2); got != want {
			t.Fatalf("compareJoined(%q, %q, %q, %q) = %d, want %d", a1, a2, b1, b2, got, want)
		}
	}
}

func TestTopGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	groups := map[string]*group{}
	for i := range 200 {
		gr := &group{key: fmt.Sprint(i)}
		gr.latency.count = rng.Int64N(10)
		groups[gr.key] = gr
	}
	compare := func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.latency.count, a.latency.count), cmp.Compare(a.key, b.key))
	}
	all := topGroups(groups, 0, compare)
	if len(all) != 200 || !slices.IsSortedFunc(all, compare) {
		t.Fatalf("all groups: %d, sorted %v", len(all), slices.IsSortedFunc(all, compare))
	}
	for _, n := range []int{1, 2, 7, 199, 200, 300} {
		if got := topGroups(groups, n, compare); !slices.Equal(got, all[:min(n, 200)]) {
			t.Errorf("top %d differs from the sorted groups' first", n)
		}
	}
}
