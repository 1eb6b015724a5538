package aggregate

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
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
		gr := newGroup([]byte(fmt.Sprint(i)), "", 0, 200)
		gr.latency.count = rng.Int64N(10)
		groups[gr.key()] = gr
	}
	compare := func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.latency.count, a.latency.count), cmp.Compare(a.key(), b.key()))
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

// TestGroupedSmallGroups: a group of one or two requests, as most are
// where every get and watch names its own object, takes a few hundred
// bytes with its strings, not a sketch of a kilobyte.
func TestGroupedSmallGroups(t *testing.T) {
	const groups = 20000
	var entries []*auditlog.Entry
	for g := range groups {
		for i := range 1 + g%2 {
			entries = append(entries, ev("get", fmt.Sprintf("system:serviceaccount:ns-%d:sa", g%50),
				fmt.Sprintf("/api/v1/namespaces/ns-%d/configmaps/cm-%d?resourceVersion=%d", g%50, g, i),
				200, float64(i), time.Duration(1000+g)*time.Microsecond))
		}
	}
	before := heapInUse()
	gr := NewGrouped(KeyVerb)
	addAll(gr, entries...)
	perGroup := float64(int64(heapInUse())-int64(before)) / groups
	runtime.KeepAlive(gr)
	runtime.KeepAlive(entries)
	if res := gr.Result(1); res.Outer[0].Distinct != groups {
		t.Fatalf("%d groups, want %d", res.Outer[0].Distinct, groups)
	}
	if perGroup > 300 {
		t.Errorf("%.0f bytes per group of one or two requests, want at most 300", perGroup)
	}
	t.Logf("%.0f bytes per group", perGroup)
}
