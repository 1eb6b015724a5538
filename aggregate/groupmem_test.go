package aggregate

import (
	"fmt"
	"github.com/auditlens/auditlens/auditlog"
	"runtime"
	"testing"
	"time"
)

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
