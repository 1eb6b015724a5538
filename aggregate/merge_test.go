package aggregate

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// kind is one kind of aggregator, as the shard/merge tests see it.
type kind struct {
	name   string
	make   func() auditlog.Sink
	merge  func(dst, src auditlog.Sink)
	result func(a auditlog.Sink) any
}

func kindOf[T auditlog.Aggregator[T]](name string, mk func() T, res func(T) any) kind {
	return kind{
		name:   name,
		make:   func() auditlog.Sink { return mk() },
		merge:  func(dst, src auditlog.Sink) { dst.(T).Merge(src.(T)) },
		result: func(a auditlog.Sink) any { return res(a.(T)) },
	}
}

// kinds lists every aggregator, with the options the views use.
func kinds() []kind {
	userVerbResource := Composite(KeyUser, KeyVerb, KeyResource)
	changeFrom := synthStart.Add(40 * time.Minute)
	return []kind{
		kindOf("count-user", func() *Count { return NewCount(KeyUser) }, func(c *Count) any { return c.Result(10) }),
		kindOf("count-resource", func() *Count { return NewCount(KeyResource) }, func(c *Count) any { return c.Result(0) }),
		kindOf("count-composite", func() *Count { return NewCount(userVerbResource) }, func(c *Count) any { return c.Result(25) }),
		kindOf("grouped-verb", func() *Grouped { return NewGrouped(KeyVerb) }, func(g *Grouped) any { return g.Result(3) }),
		kindOf("grouped-httpstatus", func() *Grouped { return NewGrouped(KeyHTTPStatus) }, func(g *Grouped) any { return g.Result(3) }),
		kindOf("grouped-verb-mean", func() *Grouped { return NewGrouped(KeyVerb).MeanLatencyOnly() }, func(g *Grouped) any { return g.Result(3) }),
		kindOf("histogram", func() *Histogram { return NewHistogram(time.Minute, KeyUser) }, func(h *Histogram) any {
			return []any{h.Result(2, 0), h.Changed(changeFrom, changeFrom.Add(time.Minute), 0)}
		}),
		kindOf("histogram-10m-total", func() *Histogram { return NewHistogram(10*time.Minute, Key{}) }, func(h *Histogram) any { return h.Result(3, 0) }),
		kindOf("latency", func() *Latency { return NewLatency(Composite(KeyVerb, KeyResource)) }, func(l *Latency) any { return l.Result(20) }),
		kindOf("summary", NewSummary, func(s *Summary) any { return s.Result() }),
		kindOf("trackers", NewTrackers, func(t *Trackers) any { return t.Result() }),
		kindOf("throttling", NewThrottling, func(t *Throttling) any { return t.Result(0) }),
		kindOf("set", newTestSet, func(s *testSet) any {
			return []any{s.users.Result(10), s.latency.Result(5), s.summary.Result()}
		}),
		kindOf("histogram-1s-resource", func() *Histogram { return NewHistogram(time.Second, KeyResource) }, func(h *Histogram) any { return h.Result(1, 0).Peaks }),
		kindOf("count-user-samples", func() *Count { return NewCount(KeyUser).KeepSamples() }, func(c *Count) any { return c.Result(10) }),
		kindOf("grouped-verb-samples", func() *Grouped { return NewGrouped(KeyVerb).KeepSamples() }, func(g *Grouped) any { return g.Result(3) }),
		kindOf("latency-samples", func() *Latency { return NewLatency(KeyResource).KeepSamples() }, func(l *Latency) any { return l.Result(20) }),
		kindOf("set-shared", newSharedSet, func(s *sharedSet) any { return s.result() }),
		kindOf("grouped-verb-set-shared", newGroupedSet, func(s *groupedSet) any { return s.grouped.Result(3) }),
	}
}

// testSet is a Set of three aggregators, with its typed members.
type testSet struct {
	*Set
	users   *Count
	latency *Latency
	summary *Summary
}

func newTestSet() *testSet {
	s := &testSet{Set: new(Set)}
	s.users = Include(s.Set, NewCount(KeyUser))
	s.latency = Include(s.Set, NewLatency(KeyResource))
	s.summary = Include(s.Set, NewSummary())
	return s
}

func (s *testSet) Merge(o *testSet) { s.Set.Merge(o.Set) }

func resultJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// aggregateShards splits entries into shards at random (entries keep their
// order within a shard, as a worker reads a file), aggregates each shard,
// and merges the shards in a random order.
func aggregateShards(k kind, entries []*auditlog.Entry, shards int, r *rand.Rand) auditlog.Sink {
	sinks := make([]auditlog.Sink, shards)
	for i := range sinks {
		sinks[i] = k.make()
	}
	for _, e := range entries {
		sinks[r.IntN(shards)].Add(e)
	}
	r.Shuffle(len(sinks), func(i, j int) { sinks[i], sinks[j] = sinks[j], sinks[i] })
	for _, s := range sinks[1:] {
		k.merge(sinks[0], s)
	}
	return sinks[0]
}

// TestShardMerge checks that, for every aggregator, any split of the input
// between workers, merged in any order, gives the result of one pass.
func TestShardMerge(t *testing.T) {
	entries := allEntries(t)
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			want := onePass(t, k, entries)
			r := rand.New(rand.NewPCG(7, uint64(len(k.name))))
			for split := range 12 {
				shards := 1 + r.IntN(9)
				got := resultJSON(t, k.result(aggregateShards(k, entries, shards, r)))
				if !bytes.Equal(got, want) {
					t.Fatalf("split %d into %d shards: result differs from one pass:\n%s\nwant:\n%s", split, shards, clip(got), clip(want))
				}
			}
		})
	}
}

// TestDeterminism checks that results are the same bytes across 20 runs
// and worker counts 1, 2 and 8 (map iteration order differs every run).
func TestDeterminism(t *testing.T) {
	entries := allEntries(t)
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			var want []byte
			for run := range 20 {
				workers := [...]int{1, 2, 8}[run%3]
				r := rand.New(rand.NewPCG(uint64(run), 1))
				got := resultJSON(t, k.result(aggregateShards(k, entries, workers, r)))
				if want == nil {
					want = got
				} else if !bytes.Equal(got, want) {
					t.Fatalf("run %d with %d workers differs:\n%s\nwant:\n%s", run, workers, clip(got), clip(want))
				}
			}
		})
	}
}

// TestMergeKeepsSource checks that Merge does not change its argument,
// but Grouped's, which moves its groups and leaves its argument empty (so
// that merging a second time adds nothing).
func TestMergeKeepsSource(t *testing.T) {
	entries := synthEntries(3, 2000)
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			a, b := k.make(), k.make()
			for i, e := range entries {
				if i%2 == 0 {
					a.Add(e)
				} else {
					b.Add(e)
				}
			}
			before := resultJSON(t, k.result(b))
			k.merge(a, b)
			once := resultJSON(t, k.result(a))
			after := resultJSON(t, k.result(b))
			if !strings.HasPrefix(k.name, "grouped") {
				if !bytes.Equal(before, after) {
					t.Fatalf("Merge changed its argument")
				}
				return
			}
			if empty := resultJSON(t, k.result(k.make())); !bytes.Equal(after, empty) {
				t.Fatalf("Merge left its argument with groups:\n%s", clip(after))
			}
			k.merge(a, b)
			if again := resultJSON(t, k.result(a)); !bytes.Equal(again, once) {
				t.Fatalf("merging the emptied argument again changed the result")
			}
		})
	}
}

func clip(b []byte) []byte {
	if len(b) > 3000 {
		return append(b[:3000:3000], "..."...)
	}
	return b
}

// onePass is the result of one aggregator of kind k fed every entry.
func onePass(t testing.TB, k kind, entries []*auditlog.Entry) []byte {
	t.Helper()
	one := k.make()
	for _, e := range entries {
		one.Add(e)
	}
	return resultJSON(t, k.result(one))
}

// TestSetFields: a Set reads what its members read, and feeds them all.
func TestSetFields(t *testing.T) {
	s := newTestSet()
	if got, want := s.Fields(), s.users.Fields()|s.latency.Fields()|s.summary.Fields(); got != want {
		t.Errorf("Fields() = %v, want the union %v", got, want)
	}
	for _, e := range synthEntries(1, 100) {
		s.Add(e)
	}
	if s.users.Result(1).Total != 100 || s.summary.Result().Count != 100 {
		t.Errorf("members were not all fed: %d, %d", s.users.Result(1).Total, s.summary.Result().Count)
	}
}

// TestSetMergeMismatch: a Set built differently is not merged member by
// member into the wrong types.
func TestSetMergeMismatch(t *testing.T) {
	a := newTestSet()
	b := new(Set)
	other := Include(b, NewThrottling())
	for _, e := range synthEntries(2, 50) {
		b.Add(e)
	}
	a.Set.Merge(b)
	if a.users.Result(1).Total != 0 || other == nil {
		t.Errorf("merged a Throttling into a Count")
	}
}
