package aggregate

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// BenchmarkAggregate measures Add per aggregator over 5,000 synthetic
// events whose keys already exist (the events were added once before the
// timer starts): ns and allocations per event.
func BenchmarkAggregate(b *testing.B) {
	entries := synthEntries(9, 5000)
	benches := []kind{
		kindOf("count-verb", func() *Count { return NewCount(KeyVerb) }, nil),
		kindOf("count-user", func() *Count { return NewCount(KeyUser) }, nil),
		kindOf("count-user-samples", func() *Count { return NewCount(KeyUser).KeepSamples() }, nil),
		kindOf("count-resource", func() *Count { return NewCount(KeyResource) }, nil),
		kindOf("count-user-verb-resource", func() *Count { return NewCount(Composite(KeyUser, KeyVerb, KeyResource)) }, nil),
		kindOf("grouped-verb", func() *Grouped { return NewGrouped(KeyVerb) }, nil),
		kindOf("grouped-verb-page", func() *Grouped { return NewGrouped(KeyVerb).KeepAtMost(8192).MeanLatencyOnly() }, nil),
		kindOf("grouped-verb-samples", func() *Grouped { return NewGrouped(KeyVerb).KeepSamples() }, nil),
		kindOf("histogram-1m-user", func() *Histogram { return NewHistogram(time.Minute, KeyUser) }, nil),
		kindOf("histogram-1s-total", func() *Histogram { return NewHistogram(time.Second, Key{}) }, nil),
		kindOf("latency-verb", func() *Latency { return NewLatency(KeyVerb) }, nil),
		kindOf("profile-user", func() *Profile { return NewProfile(KeyUser) }, nil),
		kindOf("latency-verb-samples", func() *Latency { return NewLatency(KeyVerb).KeepSamples() }, nil),
		kindOf("summary", NewSummary, nil),
		kindOf("trackers", NewTrackers, nil),
		kindOf("throttling", NewThrottling, nil),
	}
	for _, k := range benches {
		b.Run(k.name, func(b *testing.B) {
			s := k.make()
			for _, e := range entries {
				s.Add(e)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				s.Add(entries[i%len(entries)])
			}
		})
	}
}

// BenchmarkMerge measures merging two grouped views of 5,000 events each.
func BenchmarkMerge(b *testing.B) {
	x, y := synthEntries(1, 5000), synthEntries(2, 5000)
	for b.Loop() {
		g1, g2 := NewGrouped(KeyVerb), NewGrouped(KeyVerb)
		addAll(g1, x...)
		addAll(g2, y...)
		g1.Merge(g2)
	}
}

// BenchmarkGroupMemory measures the memory of a group of Grouped and of a
// key of Latency: 20,000 groups of 1 to 3 requests, as watches and gets of
// single objects make, and 200 groups of 500, as polling clients make.
func BenchmarkGroupMemory(b *testing.B) {
	for _, c := range []struct {
		name         string
		groups, each int
	}{{"small", 20000, 2}, {"large", 200, 500}} {
		entries := make([]*auditlog.Entry, 0, c.groups*c.each)
		for g := range c.groups {
			for i := range c.each {
				entries = append(entries, ev("get", fmt.Sprintf("system:serviceaccount:ns-%d:sa", g%50),
					fmt.Sprintf("/api/v1/namespaces/ns-%d/configmaps/cm-%d?resourceVersion=%d", g%50, g, i),
					200, float64(i), time.Duration(1000+i*997%50000)*time.Microsecond))
			}
		}
		b.Run("grouped-"+c.name, func(b *testing.B) {
			var bytes float64
			for b.Loop() {
				before := heapInUse()
				g := NewGrouped(KeyVerb)
				addAll(g, entries...)
				bytes = float64(heapInUse() - before)
				runtime.KeepAlive(g)
			}
			b.ReportMetric(bytes/float64(c.groups), "B/group")
		})
		b.Run("latency-"+c.name, func(b *testing.B) {
			var bytes float64
			for b.Loop() {
				before := heapInUse()
				l := NewLatency(KeyUser)
				addAll(l, entries...)
				bytes = float64(heapInUse() - before)
				runtime.KeepAlive(l)
			}
			b.ReportMetric(bytes/50, "B/key")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
