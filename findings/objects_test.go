package findings

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/internal/batch"
	"github.com/auditlens/auditlens/internal/heavy"
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
	if o := t.get([]byte(r.user), []byte(r.object)); o != nil {
		h := objectHit{code: 200, recv: r.recv, idHash: ^uint64(0)}
		o.add(&h, nil)
	}
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
				if tb.index.used > tc.max {
					t.Fatalf("%d rows, at most %d", tb.index.used, tc.max)
				}
			}
			for i := range tables[1:] {
				tables[0].merge(&tables[i+1])
			}
			tb := &tables[0]
			if live := int(tb.n) - len(tb.free); live > tc.max {
				t.Fatalf("%d rows after merging, at most %d", live, tc.max)
			}
			if dropped, _ := tb.letGo(); dropped == 0 {
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
			if dropped, _ := tb.letGo(); kept+dropped != int64(len(stream)) {
				t.Errorf("%d requests in rows and %d let go, want %d in all", kept, dropped, len(stream))
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
			out = append(out, fmt.Sprintf("%s %s %s %d %d %v %v", r.user, r.kind, r.path, r.uncounted, r.rate.count, r.rate.span, r.rate.minutes.entries()))
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
// large enough for all: the busy objects are never let go, and a row
// misses at most the requests its "uncounted at most" says (the first two
// of an object first requested once the table lets objects go).
func TestObjectRowsFindTheLoops(t *testing.T) {
	cfg := plantedConfig
	cfg.Events, cfg.VaryURIs = 30000, true
	dir, _ := generated(t, cfg)
	pick := func(res Result) []Finding {
		return slices.DeleteFunc(slices.Clone(res.Findings), func(f Finding) bool { return f.ID != "hot-loop" && f.ID != "write-churn" })
	}
	all := scan(t, dir, Options{ObjectRows: 1 << 20}, 2)
	small := scan(t, dir, Options{ObjectRows: 512}, 2)
	want, got := pick(all), pick(small)
	if len(want) != 2 || len(got) != 2 {
		t.Fatalf("want a hot-loop and a write-churn finding, got %d with room for all and %d with 512 rows", len(want), len(got))
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.ID || len(g.Rows) != len(w.Rows) {
			t.Errorf("with 512 rows %s with %d rows, with room for all %s with %d", g.ID, len(g.Rows), w.ID, len(w.Rows))
			continue
		}
		for j, wr := range w.Rows {
			gr := g.Rows[j]
			uncounted, _ := number(gr.Numbers, "uncounted at most")
			if gr.Offender != wr.Offender || gr.What != wr.What || gr.Count > wr.Count || float64(gr.Count)+uncounted < float64(wr.Count) {
				t.Errorf("%s row %d: with 512 rows %s %s %d (uncounted at most %v), with room for all %s %s %d",
					g.ID, j, gr.Offender, gr.What, gr.Count, uncounted, wr.Offender, wr.What, wr.Count)
			}
			if _, ok := number(wr.Numbers, "uncounted at most"); ok {
				t.Errorf("%s row %d: uncounted requests with room for all", w.ID, j)
			}
		}
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
		key := []byte(r.user + "\x00" + r.object)
		h := objectHit{code: 200, recv: r.recv, idHash: ^uint64(0)}
		hashed.at(hashed.slotHashed(key, keyHash(key), len(r.user))).rate.add(&h, nil)
		colliding.at(colliding.slotHashed(key, 42, len(r.user))).rate.add(&h, nil)
	}
	if live := int(colliding.n) - len(colliding.free); colliding.sum.Dropped() == 0 || live < 2 {
		t.Fatalf("let go %d, %d live rows of one hash: the case does not test collisions", colliding.sum.Dropped(), live)
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

// TestObjectTableDoorkeeper checks the doorkeeper: none until the table
// lets rows go; then a new object's first two requests are let go, and
// counted, and its third gets a row whose bound covers them.
func TestObjectTableDoorkeeper(t *testing.T) {
	tb := newObjectTable(4)
	req := func(object string, n int) {
		for range n {
			addRequest(&tb, objectRequest{user: "u", object: "get\x00" + object, recv: seriesT0.UnixNano()})
		}
	}
	req("a", 5)
	req("b", 5)
	req("c", 5)
	req("d", 1)
	if tb.door != nil {
		t.Fatal("a doorkeeper before anything was let go")
	}
	req("e", 1) // the table is full: d (or e) is let go
	if tb.door == nil {
		t.Fatal("no doorkeeper once rows were let go")
	}
	dropped, floor := tb.letGo()
	req("x", 2)
	if _, ok := tb.lookup([]byte("u\x00get\x00x"), keyHash([]byte("u\x00get\x00x"))); ok {
		t.Error("an object requested twice has a row")
	}
	if d, f := tb.letGo(); d != dropped+2 || f < floor || f < heavy.DoorAbsorb {
		t.Errorf("let go %d (was %d), floor %d (was %d): the two requests held are not counted", d, dropped, f, floor)
	}
	req("x", 3)
	i, ok := tb.lookup([]byte("u\x00get\x00x"), keyHash([]byte("u\x00get\x00x")))
	if !ok {
		t.Fatal("an object requested five times has no row")
	}
	if s := tb.at(i); s.rate.count != 3 || tb.bound(i) < 5 {
		t.Errorf("row of x: %d requests, bound %d, want 3 and at least 5", s.rate.count, tb.bound(i))
	}
}

// TestObjectTablePending checks that counting through count, which holds
// requests and adds them in batches, gives the table adding each request
// at once gives: the same rows, counts, codes, minutes and samples, the
// same requests let go and bounds, through evictions, the doorkeeper, a
// merge and a batch left part full.
func TestObjectTablePending(t *testing.T) {
	stream := objectStream(11, 5000, 4)
	rng := rand.New(rand.NewPCG(3, 4))
	hits := make([]objectHit, len(stream))
	for i, r := range stream {
		hits[i] = objectHit{code: int32(200 + 209*rng.IntN(2)), recv: r.recv - int64(rng.IntN(3))*int64(time.Minute),
			server: int64(rng.IntN(1000)), idHash: rng.Uint64()}
		if hits[i].idHash <= objectSamples {
			hits[i].auditID = fmt.Sprintf("id-%d", i)
		}
	}
	direct := func(tb *objectTable, from, to int) {
		for i := from; i < to; i++ {
			key := []byte(stream[i].user + "\x00" + stream[i].object)
			if o := tb.getHashed(key, keyHash(key), len(stream[i].user)); o != nil {
				o.add(&hits[i], []byte(hits[i].auditID))
			}
		}
	}
	batched := func(tb *objectTable, from, to int) {
		for i := from; i < to; i++ {
			key := []byte(stream[i].user + "\x00" + stream[i].object)
			tb.count(key, keyHash(key), len(stream[i].user), hits[i])
		}
	}
	dump := func(tb *objectTable) string {
		var out []string
		for _, r := range tb.all() {
			var samples sampleSet
			if r.rate.extra != nil {
				samples = r.rate.extra.samples
			}
			out = append(out, fmt.Sprint(r.user, r.kind, r.path, r.uncounted, r.rate.count, r.rate.server, r.rate.span,
				r.rate.statusMix(), r.rate.minutes.entries(), samples))
		}
		dropped, floor := tb.letGo()
		return fmt.Sprint(out, dropped, floor)
	}
	half := len(stream)/2 + batch.Max/3 // the first table's batch is part full at the merge
	want, wantOther := newObjectTable(128), newObjectTable(128)
	direct(&want, 0, half)
	direct(&wantOther, half, len(stream))
	want.merge(&wantOther)
	got, gotOther := newObjectTable(128), newObjectTable(128)
	batched(&got, 0, half)
	batched(&gotOther, half, len(stream))
	if len(got.pending) == 0 || len(gotOther.pending) == 0 {
		t.Fatal("no request pending before the merge: the case does not test it")
	}
	got.merge(&gotOther)
	if want.sum.Dropped() == 0 || want.door == nil {
		t.Fatal("nothing let go: the case does not test evictions")
	}
	if w, g := dump(&want), dump(&got); w != g {
		t.Errorf("batched table differs:\n got %s\nwant %s", g, w)
	}
}

// TestObjectTableLongKeys checks that an objectTable holds no more than
// batch.Bytes of keys (and one request's) before it adds them to their
// rows, that it lets go of a buffer a long key grew, and that it counts
// every request.
func TestObjectTableLongKeys(t *testing.T) {
	tb := newObjectTable(16)
	long := "get\x00/api/v1/namespaces/ns/configmaps/" + strings.Repeat("x", 3*batch.Bytes/2)
	for i := range 8 {
		key := []byte("u\x00" + long + fmt.Sprint(i%2))
		tb.count(key, keyHash(key), 1, objectHit{code: 200, recv: int64(i) * int64(time.Second), idHash: ^uint64(0)})
		if len(tb.pending) > 1 || cap(tb.pendingKeys) > batch.Keep {
			t.Fatalf("request %d: %d requests held, a buffer of %d bytes", i, len(tb.pending), cap(tb.pendingKeys))
		}
	}
	rows := tb.all()
	if len(rows) != 2 || rows[0].rate.count != 4 || rows[1].rate.count != 4 {
		t.Errorf("got %d rows (%v), want 2 of 4 requests", len(rows), rows)
	}
}
