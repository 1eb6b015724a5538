package aggregate

import (
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// clusterEntries are the requests of a generated large cluster
// (mustgather.ClusterMinute: 6,000 users, 500 namespaces, many objects,
// small events): 150,000 requests, read once and held in memory.
var clusterEntries = sync.OnceValues(func() ([]*auditlog.Entry, error) {
	return generatedEntries("page-cluster-", func(dir string) error {
		_, err := mustgather.GenerateCluster(dir, mustgather.ClusterConfig{Requests: 150000})
		return err
	})
})

// pageMembers are the aggregators of the HTML page (query's buildHTML)
// but its findings, by name: a count with samples of each of its five
// keys, the grouped view of verbs, the histogram by user, the latency by
// resource with samples and the throttling.
var pageMembers = []struct {
	name    string
	include func(s *Set)
}{
	{"count-user", func(s *Set) { Include(s, NewCount(KeyUser).KeepSamples()) }},
	{"count-resource", func(s *Set) { Include(s, NewCount(KeyResource).KeepSamples()) }},
	{"count-namespace", func(s *Set) { Include(s, NewCount(KeyNamespace).KeepSamples()) }},
	{"count-verb", func(s *Set) { Include(s, NewCount(KeyVerb).KeepSamples()) }},
	{"count-httpstatus", func(s *Set) { Include(s, NewCount(KeyHTTPStatus).KeepSamples()) }},
	{"grouped", func(s *Set) { Include(s, NewGrouped(KeyVerb).KeepAtMost(8192).MeanLatencyOnly()) }},
	{"histogram-user", func(s *Set) { Include(s, NewHistogram(time.Minute, KeyUser)) }},
	{"latency-resource", func(s *Set) { Include(s, NewLatency(KeyResource).KeepSamples()) }},
	{"throttling", func(s *Set) { Include(s, NewThrottling()) }},
}

// pageSet is a Set of every pageMembers, after a toucher.
func pageSet() *Set {
	s := new(Set)
	Include(s, new(toucher))
	for _, m := range pageMembers {
		m.include(s)
	}
	return s
}

// BenchmarkPage measures what the HTML page's aggregates cost an event,
// on the lab's shape and on a large cluster's (many users and objects,
// small events): ns per event of the whole Set ("page"), fed one entry at
// a time as a worker feeds it, and of each member alone in a Set. The
// members' sum is more than the page's where they share a key's table.
// The entries were read before, and are not in a core's cache as the
// entry a worker has just decoded is: every Set reads the fields of each
// entry first (a toucher), so that a member's cost is its case's less
// "touch" (the toucher alone).
func BenchmarkPage(b *testing.B) {
	for _, shape := range []struct {
		name    string
		entries func() ([]*auditlog.Entry, error)
	}{{"lab", labEntries}, {"cluster", clusterEntries}} {
		entries, err := shape.entries()
		if err != nil {
			b.Fatal(err)
		}
		cases := []struct {
			name string
			make func() *Set
		}{{"page", pageSet}, {"touch", func() *Set {
			s := new(Set)
			Include(s, new(toucher))
			return s
		}}}
		for _, m := range pageMembers {
			cases = append(cases, struct {
				name string
				make func() *Set
			}{m.name, func() *Set {
				s := new(Set)
				Include(s, new(toucher))
				m.include(s)
				return s
			}})
		}
		for _, c := range cases {
			b.Run(shape.name+"/"+c.name, func(b *testing.B) {
				start := time.Now()
				for b.Loop() {
					addAll(c.make(), entries...)
				}
				b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(entries)), "ns/event")
			})
		}
	}
}

// toucher reads the fields of an entry the page's aggregates read, as
// decoding it does, so that they are in a core's cache.
type toucher struct{ n int }

func (t *toucher) Add(e *auditlog.Entry) {
	ev := e.Event
	t.n += len(ev.Verb) + len(ev.User.Username) + len(ev.RequestURI) + len(ev.AuditID) + len(e.Request().Path) +
		len(ev.Annotations[QueueWaitAnnotation]) + ev.RequestReceivedTimestamp.Nanosecond() + ev.StageTimestamp.Nanosecond()
	if fm, ok := e.FieldManager(); ok {
		t.n += len(fm)
	}
	if ev.ResponseStatus != nil {
		t.n += int(ev.ResponseStatus.Code)
	}
}

func (t *toucher) Fields() auditlog.Fields { return 0 }

func (t *toucher) Merge(o *toucher) { t.n += o.n }
