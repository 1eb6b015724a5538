package aggregate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/heavy"
)

// boundStream returns n requests, in time order: gets and updates of a
// few heavy objects (a share each) among objects requested once or twice.
func boundStream(seed uint64, n, heavy int) []*auditlog.Entry {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]*auditlog.Entry, n)
	for i := range out {
		verb := []string{"get", "update"}[rng.IntN(2)]
		uri := fmt.Sprintf("/api/v1/namespaces/ns-%d/pods/p-%d", rng.IntN(2), rng.IntN(n/40))
		user := fmt.Sprintf("system:serviceaccount:ns:sa-%d", rng.IntN(3))
		if heavy > 0 && rng.IntN(3) == 0 {
			uri = fmt.Sprintf("/api/v1/namespaces/hot/configmaps/cm-%d?resourceVersion=%d", rng.IntN(heavy), i)
			user = "system:serviceaccount:hot:looping"
		}
		out[i] = ev(verb, user, uri, 200, float64(i)/10, time.Millisecond)
	}
	return out
}

// groupKey names a group of a result.
func groupKey(outer string, gr Group) string {
	return outer + " " + gr.Path + "?" + gr.Query + " " + gr.User
}

// TestGroupedKeepAtMost checks the bounded grouping's promises on streams
// split between groupings and merged: at most n groups an outer key; every
// kept group's true count is within Count and Count+Uncounted, every group
// not kept had at most LetGoAtMost events; totals are exact; the heavy
// groups are kept.
func TestGroupedKeepAtMost(t *testing.T) {
	for _, tc := range []struct {
		parts, most, n, heavy int
		roundRobin            bool
	}{
		{1, 16, 4000, 3, false},
		{2, 64, 20000, 5, false},
		{2, 64, 20000, 5, true},
		{3, 100, 30000, 8, true},
		{2, 1, 400, 1, false},
	} {
		t.Run(fmt.Sprintf("%d parts (round robin %v), %d groups, %d requests", tc.parts, tc.roundRobin, tc.most, tc.n), func(t *testing.T) {
			stream := boundStream(uint64(tc.n), tc.n, tc.heavy)
			exact := NewGrouped(KeyVerb)
			addAll(exact, stream...)
			truth := map[string]int64{}
			for _, o := range exact.Result(0).Outer {
				for _, gr := range o.Groups {
					truth[groupKey(o.Key, gr)] = gr.Count
				}
			}
			parts := make([]*Grouped, tc.parts)
			for i := range parts {
				parts[i] = NewGrouped(KeyVerb).KeepAtMost(tc.most)
			}
			for i, e := range stream {
				if tc.roundRobin {
					parts[i%tc.parts].Add(e)
				} else {
					parts[i*tc.parts/len(stream)].Add(e)
				}
			}
			for _, p := range parts[1:] {
				parts[0].Merge(p)
			}
			res := parts[0].Result(0)
			var total int64
			kept := map[string]bool{}
			for _, o := range res.Outer {
				total += o.Total
				if len(o.Groups) > tc.most {
					t.Errorf("%s: %d groups, at most %d", o.Key, len(o.Groups), tc.most)
				}
				if o.LetGoAtMost == 0 {
					t.Errorf("%s: no group let go: the case does not test the bound", o.Key)
				}
				for _, gr := range o.Groups {
					k := groupKey(o.Key, gr)
					kept[k] = true
					if want := truth[k]; gr.Count > want || gr.Count+gr.Uncounted < want {
						t.Errorf("%s: %d events, the group says %d + at most %d", k, want, gr.Count, gr.Uncounted)
					}
				}
				for k, want := range truth {
					if !kept[k] && k[:len(o.Key)+1] == o.Key+" " && want > o.LetGoAtMost {
						t.Errorf("%s: %d events, not kept, but at most %d were let go", k, want, o.LetGoAtMost)
					}
				}
			}
			if total != int64(len(stream)) {
				t.Errorf("total %d, want %d", total, len(stream))
			}
			if tc.most >= 4*tc.heavy {
				for _, verb := range []string{"get", "update"} {
					for h := range tc.heavy {
						k := fmt.Sprintf("%s /api/v1/namespaces/hot/configmaps/cm-%d? system:serviceaccount:hot:looping", verb, h)
						if !kept[k] {
							t.Errorf("heavy group %s let go", k)
						}
					}
				}
			}
		})
	}
}

// TestGroupedKeepAtMostBelowBound checks that a bounded grouping with room
// for every group gives the unbounded grouping's result, byte for byte.
func TestGroupedKeepAtMostBelowBound(t *testing.T) {
	stream := boundStream(5, 3000, 4)
	exact, a, b := NewGrouped(KeyVerb), NewGrouped(KeyVerb).KeepAtMost(10000), NewGrouped(KeyVerb).KeepAtMost(10000)
	addAll(exact, stream...)
	for i, e := range stream {
		if i%2 == 0 {
			a.Add(e)
		} else {
			b.Add(e)
		}
	}
	a.Merge(b)
	if got, want := resultJSON(t, a.Result(0)), resultJSON(t, exact.Result(0)); !bytes.Equal(got, want) {
		t.Errorf("bounded result differs below the bound:\n%s\nwant:\n%s", clip(got), clip(want))
	}
}

// TestGroupedKeepAtMostMergeLacks checks that merging adds to a kept
// group what the other grouping may have let go of it: a group heavy in
// one part, and seen once, then let go, in the other.
func TestGroupedKeepAtMostMergeLacks(t *testing.T) {
	const uri = "/api/v1/namespaces/ns/configmaps/heavy"
	t1, t2 := NewGrouped(KeyVerb).KeepAtMost(8), NewGrouped(KeyVerb).KeepAtMost(8)
	for i := range 50 {
		t1.Add(ev("get", "u", uri, 200, float64(i), time.Millisecond))
	}
	t2.Add(ev("get", "u", uri, 200, 100, time.Millisecond))
	for i := range 100 {
		t2.Add(ev("get", "u", fmt.Sprintf("/api/v1/namespaces/ns/pods/p-%d", i), 200, float64(101+i), time.Millisecond))
	}
	t1.Merge(t2)
	o := t1.Result(1).Outer[0]
	if gr := o.Groups[0]; gr.Path != "/api/v1/namespaces/ns/configmaps/heavy" || gr.Count != 50 || gr.Uncounted < 1 {
		t.Errorf("heavy group %s: %d + at most %d, want 50 + at least 1 (51 in all)", gr.Path, gr.Count, gr.Uncounted)
	}
	if o.Total != 151 || o.LetGoAtMost < 1 {
		t.Errorf("total %d, let go at most %d", o.Total, o.LetGoAtMost)
	}
}

// TestGroupedMeanLatencyOnly checks that a grouping that keeps means alone
// gives every figure of a full one but the quantiles, which are 0.
func TestGroupedMeanLatencyOnly(t *testing.T) {
	stream := boundStream(9, 5000, 3)
	full, mean := NewGrouped(KeyVerb), NewGrouped(KeyVerb).MeanLatencyOnly()
	other := NewGrouped(KeyVerb).MeanLatencyOnly()
	for i, e := range stream {
		full.Add(e)
		if i%3 == 0 {
			other.Add(e)
		} else {
			mean.Add(e)
		}
	}
	mean.Merge(other)
	want := full.Result(20)
	for i := range want.Outer {
		for j := range want.Outer[i].Groups {
			q := &want.Outer[i].Groups[j].Latency
			if q.Count > 2 && q.P50 == 0 {
				t.Fatalf("the full grouping has no quantiles: %+v", q)
			}
			q.P50, q.P90, q.P99 = 0, 0, 0
		}
	}
	if got, want := resultJSON(t, mean.Result(20)), resultJSON(t, want); !bytes.Equal(got, want) {
		t.Errorf("means only:\n%s\nwant:\n%s", clip(got), clip(want))
	}
}

// TestGroupedDoorkeeper checks the doorkeeper of a bounded grouping: none
// until groups are let go; then a new group's first two events are held,
// counted in the total and not in a group, and its third makes a group
// whose Uncounted covers them.
func TestGroupedDoorkeeper(t *testing.T) {
	g := NewGrouped(KeyVerb).KeepAtMost(4)
	at := 0.0
	get := func(uri string, n int) {
		for range n {
			at++
			g.Add(ev("get", "u", uri, 200, at, time.Millisecond))
		}
	}
	for _, uri := range []string{"/api/v1/pods", "/api/v1/nodes", "/api/v1/services", "/api/v1/secrets"} {
		get(uri, 5)
	}
	g.flush()
	og := g.outers["get"]
	if og.door != nil {
		t.Fatal("a doorkeeper before any group was let go")
	}
	get("/api/v1/configmaps", 1) // the grouping is full: groups are let go
	g.flush()
	if og.door == nil {
		t.Fatal("no doorkeeper once groups were let go")
	}
	get("/api/v1/endpoints", 2)
	res := g.Result(0).Outer[0]
	for _, gr := range res.Groups {
		if gr.Path == "/api/v1/endpoints" {
			t.Fatalf("a group of two events is kept: %+v", gr)
		}
	}
	if res.Total != 23 || res.LetGoAtMost < heavy.DoorAbsorb {
		t.Errorf("total %d, groups let go had at most %d; want 23 and at least %d", res.Total, res.LetGoAtMost, heavy.DoorAbsorb)
	}
	get("/api/v1/endpoints", 3)
	var found bool
	for _, gr := range g.Result(0).Outer[0].Groups {
		if gr.Path == "/api/v1/endpoints" {
			found = true
			if gr.Count != 3 || gr.Count+gr.Uncounted < 5 {
				t.Errorf("endpoints: %d events, at most %d uncounted; want 3, and at least 2 uncounted", gr.Count, gr.Uncounted)
			}
		}
	}
	if !found {
		t.Error("a group of five events is not kept")
	}
}
