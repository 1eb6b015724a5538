package aggregate

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// clusterEntries are the requests of a generated large cluster
// (mustgather.ClusterMinute: 6,000 users, 500 namespaces, many objects,
// small events): 150,000 requests, read once and held in memory.
var clusterEntries = sync.OnceValues(func() ([]*auditlog.Entry, error) {
	dir, err := os.MkdirTemp("", "page-cluster-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) // the entries are copies
	if _, err := mustgather.GenerateCluster(dir, mustgather.ClusterConfig{Requests: 150000}); err != nil {
		return nil, err
	}
	sources, err := auditlog.Find(filepath.Join(dir, "audit_logs", "kube-apiserver"))
	if err != nil {
		return nil, err
	}
	var entries []*auditlog.Entry
	for e := range auditlog.NewReader(sources, auditlog.Options{Fields: auditlog.FieldsMetadata}).All() {
		if e.Event.Stage == auditv1.StageResponseComplete {
			entries = append(entries, e.Clone())
		}
	}
	return entries, nil
})

// pageSet is a Set of the aggregators of the HTML page (query's
// buildHTML) but its findings: a count with samples of each of its five
// keys, the grouped view of verbs, the histogram by user, the latency by
// resource with samples and the throttling.
func pageSet() *Set {
	s := new(Set)
	for _, k := range []Key{KeyUser, KeyResource, KeyNamespace, KeyVerb, KeyHTTPStatus} {
		Include(s, NewCount(k).KeepSamples())
	}
	Include(s, NewGrouped(KeyVerb).KeepAtMost(8192).MeanLatencyOnly())
	Include(s, NewHistogram(time.Minute, KeyUser))
	Include(s, NewLatency(KeyResource).KeepSamples())
	Include(s, NewThrottling())
	return s
}

// BenchmarkPage measures what the HTML page's aggregates cost an event,
// on the lab's shape and on a large cluster's (many users and objects,
// small events): ns per event of the whole Set, fed one entry at a time
// as a worker feeds it, and of the members that count by user, alone
// ("user": the count and the histogram) and in a Set ("user-set").
func BenchmarkPage(b *testing.B) {
	for _, shape := range []struct {
		name    string
		entries func() ([]*auditlog.Entry, error)
	}{{"lab", labEntries}, {"cluster", clusterEntries}} {
		entries, err := shape.entries()
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name string
			make func() auditlog.Sink
		}{
			{"page", func() auditlog.Sink { return pageSet() }},
			{"user", func() auditlog.Sink {
				return sinks{NewCount(KeyUser).KeepSamples(), NewHistogram(time.Minute, KeyUser)}
			}},
			{"user-set", func() auditlog.Sink {
				s := new(Set)
				Include(s, NewCount(KeyUser).KeepSamples())
				Include(s, NewHistogram(time.Minute, KeyUser))
				return s
			}},
		} {
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

// sinks feeds each entry to every sink, as a Set does but sharing
// nothing between them.
type sinks []auditlog.Sink

func (s sinks) Add(e *auditlog.Entry) {
	for _, x := range s {
		x.Add(e)
	}
}

func (s sinks) Fields() auditlog.Fields { return 0 }
