package findings

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// objectRequest is a request of a test stream: a key of an objectTable
// and a time.
type objectRequest struct {
	user, object string
	recv         int64
}

// objectStream returns n requests: heavy objects requested again and
// again (each a share of the stream) among objects requested once or
// twice, in time order.
func objectStream(seed uint64, n, heavy int) []objectRequest {
	rng := rand.New(rand.NewPCG(seed, 1))
	base := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC).UnixNano()
	out := make([]objectRequest, n)
	for i := range out {
		r := &out[i]
		r.recv = base + int64(i)*int64(time.Second)/10
		switch k := rng.IntN(10); {
		case k < 3 && heavy > 0:
			r.user, r.object = "system:serviceaccount:ns:looping", fmt.Sprintf("get\x00/api/v1/namespaces/ns/configmaps/hot-%d", rng.IntN(heavy))
		default:
			r.user, r.object = fmt.Sprintf("user-%d", rng.IntN(20)), fmt.Sprintf("get\x00/api/v1/namespaces/ns/pods/p-%d", rng.IntN(n))
		}
	}
	return out
}

// addRequest counts r in t, with no sample.
func addRequest(t *objectTable, r objectRequest) {
	f := facts{code: 200, recv: r.recv, hash: ^uint64(0), hashed: true}
	t.get([]byte(r.user), []byte(r.object)).add(&f)
}

// TestObjectTableBounds checks the heavy-hitters table's promises on
// streams split between tables and merged: never more than its rows; for
// every key, count <= true count <= count + uncounted, and a key without a
// row had at most floor requests; every request is in a row or in
// dropped; heavy objects keep their rows.
func TestObjectTableBounds(t *testing.T) {
	for _, tc := range []struct {
		tables, max, n, heavy int
	}{
		{1, 16, 5000, 3},
		{2, 64, 20000, 5},
		{3, 100, 30000, 8},
		{2, 1, 500, 1},
	} {
		t.Run(fmt.Sprintf("%d tables of %d rows, %d requests", tc.tables, tc.max, tc.n), func(t *testing.T) {
			stream := objectStream(uint64(tc.n), tc.n, tc.heavy)
			truth := map[string]int64{}
			tables := make([]objectTable, tc.tables)
			for i := range tables {
				tables[i] = newObjectTable(tc.max)
			}
			for i, r := range stream {
				tb := &tables[i*tc.tables/len(stream)] // blocks, as files are split
				addRequest(tb, r)
				truth[r.user+"\x00"+r.object]++
				if len(tb.index) > tc.max {
					t.Fatalf("%d rows, at most %d", len(tb.index), tc.max)
				}
			}
			for i := range tables[1:] {
				tables[0].merge(&tables[i+1])
			}
			tb := &tables[0]
			if live := int(tb.n) - len(tb.free); live > tc.max {
				t.Fatalf("%d rows after merging, at most %d", live, tc.max)
			}
			if tb.sum.Dropped() == 0 {
				t.Fatal("nothing let go: the case does not test the bound")
			}
			var kept int64
			for key, want := range truth {
				i, ok := tb.lookup([]byte(key), keyHash([]byte(key)))
				if !ok {
					if want > tb.sum.Floor() {
						t.Errorf("%q: %d requests, no row, floor %d", key, want, tb.sum.Floor())
					}
					continue
				}
				s := tb.at(i)
				if s.rate.count > want || tb.bound(i) < want {
					t.Errorf("%q: %d requests, row says %d + at most %d", key, want, s.rate.count, tb.sum.Lacks(i))
				}
				kept += s.rate.count
			}
			if kept+tb.sum.Dropped() != int64(len(stream)) {
				t.Errorf("%d requests in rows and %d let go, want %d in all", kept, tb.sum.Dropped(), len(stream))
			}
			if tc.max >= 2*tc.heavy {
				for h := range tc.heavy {
					key := fmt.Sprintf("system:serviceaccount:ns:looping\x00get\x00/api/v1/namespaces/ns/configmaps/hot-%d", h)
					if _, ok := tb.lookup([]byte(key), keyHash([]byte(key))); !ok {
						t.Errorf("heavy object %d let go", h)
					}
				}
			}
		})
	}
}

// TestObjectTableExactBelowBound checks that a table with room for every
// object counts exactly, lets nothing go, and merges as one table would
// count.
func TestObjectTableExactBelowBound(t *testing.T) {
	stream := objectStream(7, 3000, 4)
	one, a, b := newObjectTable(10000), newObjectTable(10000), newObjectTable(10000)
	for i, r := range stream {
		addRequest(&one, r)
		if i%2 == 0 {
			addRequest(&a, r)
		} else {
			addRequest(&b, r)
		}
	}
	a.merge(&b)
	rowsOf := func(tb *objectTable) string {
		var out []string
		for _, r := range tb.all() {
			out = append(out, fmt.Sprintf("%s %s %s %d %d %v %v", r.user, r.kind, r.path, r.uncounted, r.rate.count, r.rate.span, r.rate.minutes))
		}
		return fmt.Sprint(out)
	}
	if one.sum.Dropped() != 0 || a.sum.Dropped() != 0 || one.sum.Floor() != 0 || a.sum.Floor() != 0 {
		t.Errorf("let go %d and %d requests below the bound", one.sum.Dropped(), a.sum.Dropped())
	}
	if got, want := rowsOf(&a), rowsOf(&one); got != want {
		t.Errorf("merged rows differ from one table's:\n%s\n%s", got, want)
	}
}

// TestObjectRowsFindTheLoops checks that the hot-loop and write-churn
// findings are the same with a table far too small for the objects of the
// input (a background of objects requested once or twice) as with one
// large enough for all: the busy objects are never let go.
func TestObjectRowsFindTheLoops(t *testing.T) {
	cfg := plantedConfig
	cfg.Events, cfg.VaryURIs = 30000, true
	dir, _ := generated(t, cfg)
	pick := func(res Result) []Finding {
		return slices.DeleteFunc(slices.Clone(res.Findings), func(f Finding) bool { return f.ID != "hot-loop" && f.ID != "write-churn" })
	}
	countsOf := func(fs []Finding) string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s %d", f.ID, f.Magnitude))
			for _, r := range f.Rows {
				out = append(out, fmt.Sprintf("  %s %s %d %v", r.Offender, r.What, r.Count, r.Samples))
			}
		}
		return fmt.Sprint(out)
	}
	all := scan(t, dir, Options{ObjectRows: 1 << 20}, 2)
	small := scan(t, dir, Options{ObjectRows: 512}, 2)
	want, got := pick(all), pick(small)
	if len(want) != 2 {
		t.Fatalf("want a hot-loop and a write-churn finding, got %s", countsOf(want))
	}
	if countsOf(got) != countsOf(want) {
		t.Errorf("with 512 rows:\n%s\nwith room for all:\n%s", countsOf(got), countsOf(want))
	}
	var letGo bool
	for _, d := range small.Dropped {
		letGo = letGo || d.Why == DroppedLetGo && d.Requests > 0 && d.AtMost > 0
	}
	if !letGo {
		t.Errorf("no object let go with 512 rows: the test does not test the bound (%+v)", small.Dropped)
	}
	for _, d := range all.Dropped {
		if d.Why == DroppedLetGo {
			t.Errorf("objects let go with room for all: %+v", d)
		}
	}
}

// TestObjectTableHashCollisions runs one stream, with evictions, into a
// table that hashes keys as usual and into one where every key has the
// same hash (what a 64-bit collision would be, everywhere): both keep the
// same rows with the same counts, and every row is found by its key.
func TestObjectTableHashCollisions(t *testing.T) {
	stream := objectStream(7, 3000, 3)
	hashed, colliding := newObjectTable(64), newObjectTable(64)
	for _, r := range stream {
		addRequest(&hashed, r)
		key := []byte(r.user + "\x00" + r.object)
		f := facts{code: 200, recv: r.recv, hash: ^uint64(0), hashed: true}
		colliding.at(colliding.slotHashed(key, 42, len(r.user))).rate.add(&f)
	}
	if colliding.sum.Dropped() == 0 || len(colliding.spill) == 0 {
		t.Fatalf("let go %d, spilled %d: the case does not test collisions", colliding.sum.Dropped(), len(colliding.spill))
	}
	rows := func(tb *objectTable) map[string]int64 {
		m := map[string]int64{}
		for i := range tb.n {
			if s := tb.at(i); s.key != "" {
				m[s.key] = s.rate.count
				h := keyHash([]byte(s.key))
				if tb == &colliding {
					h = 42
				}
				if j, ok := tb.lookup([]byte(s.key), h); !ok || j != i {
					t.Errorf("row %d (%q) found at %d, %v", i, s.key, j, ok)
				}
			}
		}
		return m
	}
	a, b := rows(&hashed), rows(&colliding)
	if fmt.Sprint(a) != fmt.Sprint(b) || hashed.sum.Dropped() != colliding.sum.Dropped() {
		t.Errorf("rows differ with colliding hashes:\n%v\n%v", a, b)
	}
}
