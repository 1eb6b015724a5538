package aggregate

import (
	"testing"
	"time"
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
		kindOf("grouped-verb-samples", func() *Grouped { return NewGrouped(KeyVerb).KeepSamples() }, nil),
		kindOf("histogram-1m-user", func() *Histogram { return NewHistogram(time.Minute, KeyUser) }, nil),
		kindOf("histogram-1s-total", func() *Histogram { return NewHistogram(time.Second, Key{}) }, nil),
		kindOf("latency-verb", func() *Latency { return NewLatency(KeyVerb) }, nil),
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
