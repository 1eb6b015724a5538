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
	"github.com/auditlens/auditlens/internal/batch"
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
	var rows groupRows
	for i := range 200 {
		gr := newGroup([]byte(fmt.Sprint(i)), nil, 0, 200)
		for range rng.Int64N(10) {
			gr.latency.addMoments(0)
		}
		rows.add(gr)
	}
	compare := func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.latency.count(), a.latency.count()), cmp.Compare(a.key(), b.key()))
	}
	all := topGroups(&rows, 200, 0, compare)
	if len(all) != 200 || !slices.IsSortedFunc(all, compare) {
		t.Fatalf("all groups: %d, sorted %v", len(all), slices.IsSortedFunc(all, compare))
	}
	for _, n := range []int{1, 2, 7, 199, 200, 300} {
		if got := topGroups(&rows, 200, n, compare); !slices.Equal(got, all[:min(n, 200)]) {
			t.Errorf("top %d differs from the sorted groups' first", n)
		}
	}
}

// TestGroupedSmallGroups: a group of one or two requests, as most are
// where every get and watch names its own object, takes about 175 bytes
// with its strings and its place in the index, not a sketch of a kilobyte.
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
	if perGroup > 230 {
		t.Errorf("%.0f bytes per group of one or two requests, want at most 230", perGroup)
	}
	t.Logf("%.0f bytes per group", perGroup)
}

func TestFolderEnd(t *testing.T) {
	for _, tc := range []struct{ uri, folder string }{
		{"/api/v1/namespaces/ns/pods/p-1", "/api/v1/namespaces/ns/pods/"},
		{"/api/v1/namespaces/ns/pods/p-1/log?follow=true", "/api/v1/namespaces/ns/pods/"},
		{"/api/v1/nodes/node-1/proxy/metrics/cadvisor", "/api/v1/nodes/"},
		{"/apis/apps/v1/namespaces/ns/deployments/web/status", "/apis/apps/v1/namespaces/ns/deployments/"},
		{"/api/v1/namespaces/ns/pods", "/api/v1/namespaces/ns/"},
		{"/api/v1/namespaces/status/pods/status/status", "/api/v1/namespaces/status/pods/"},
		{"/healthz", "/"},
		{"/metrics/", "/metrics/"},
		{"", ""},
		{"no-slash", ""},
	} {
		r := auditlog.ParseRequestURI(tc.uri)
		if got := r.Path[:folderEnd(&r)]; got != tc.folder {
			t.Errorf("%s: folder %q, want %q", tc.uri, got, tc.folder)
		}
	}
}

// TestGroupedLongURIs checks that Grouped holds no more than
// batch.Bytes of keys and URIs (and one event's) before it adds them
// to their groups, that it lets go of a buffer a long URI grew, and that
// it counts every event.
func TestGroupedLongURIs(t *testing.T) {
	long := strings.Repeat("x", 3*batch.Bytes/2)
	gr := NewGrouped(KeyVerb)
	for i := range 8 {
		gr.Add(ev("get", "u", fmt.Sprintf("/api/v1/namespaces/ns/configmaps/cm-%d?q=%s", i%2, long), 200, float64(i), time.Millisecond))
		if len(gr.pending) > 1 || len(gr.pendingKeys) > batch.Bytes+2*len(long) {
			t.Fatalf("event %d: %d events and %d bytes held", i, len(gr.pending), len(gr.pendingKeys))
		}
		if cap(gr.pendingKeys) > batch.Keep {
			t.Fatalf("event %d: a buffer of %d bytes kept", i, cap(gr.pendingKeys))
		}
	}
	res := gr.Result(0)
	if o := res.Outer[0]; o.Total != 8 || o.Distinct != 2 || o.Groups[0].Count != 4 || o.Groups[1].Count != 4 {
		t.Errorf("got %d events in %d groups (%+v), want 8 in 2 of 4", o.Total, o.Distinct, o.Groups)
	}
}
