package auditlog

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/auditlens/auditlens/internal/mustgather"
)

// TestCountOnce reads a generated must-gather whose kube-apiserver proxies
// the aggregated servers' requests (as real clusters do): with CountOnce
// each request counts once, in every path, and the aggregated servers'
// copies are counted as Repeated; a filter that drops kube-apiserver's
// copies keeps the aggregated servers'.
func TestCountOnce(t *testing.T) {
	dir := t.TempDir()
	truth, err := mustgather.Generate(dir, mustgather.Config{Seed: 5, Events: 4000, Scenarios: mustgather.ScenarioMix, Proxied: true})
	if err != nil {
		t.Fatal(err)
	}
	sources, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	complete := func(e *Entry) bool { return e.Event.Stage == "ResponseComplete" }
	opts := Options{EveryStage: true, Fields: FieldStage, Keep: FilterFunc(complete)}
	proxied := truth.Servers["openshift-apiserver"].Proxied + truth.Servers["oauth-apiserver"].Proxied
	var all int64
	for _, s := range truth.Servers {
		all += s.Requests
	}
	if proxied < 100 || truth.Requests != all-proxied {
		t.Fatalf("truth: %d proxied, %d requests of %d", proxied, truth.Requests, all)
	}

	scan := func(opts Options, workers int) (int64, *Report) {
		var n atomic.Int64
		sinks := make([]Sink, workers)
		for i := range sinks {
			sinks[i] = SinkFunc(func(*Entry) { n.Add(1) })
		}
		r := NewReader(sources, opts)
		if err := r.scan(context.Background(), sinks); err != nil {
			t.Fatal(err)
		}
		return n.Load(), r.Report()
	}
	for _, workers := range []int{1, 3} {
		n, rep := scan(opts, workers)
		if n != truth.Requests || rep.Repeated != proxied {
			t.Errorf("Scan with %d workers: %d requests, %d repeated; want %d and %d", workers, n, rep.Repeated, truth.Requests, proxied)
		}
		var fileRepeated int64
		for _, f := range rep.ByFile {
			if f.Repeated > 0 && f.Server != ServerOpenShift && f.Server != ServerOAuthAPI {
				t.Errorf("%s: %d repeated events in a file of %s", f.Path, f.Repeated, f.Server)
			}
			fileRepeated += f.Repeated
		}
		if fileRepeated != proxied {
			t.Errorf("the files count %d repeated events, want %d", fileRepeated, proxied)
		}
	}
	r := NewReader(sources, opts)
	var n int64
	for range r.All() {
		n++
	}
	if n != truth.Requests {
		t.Errorf("All: %d requests, want %d", n, truth.Requests)
	}
	r = NewReader(sources, opts)
	n = 0
	for range r.Sorted(0) {
		n++
	}
	if n != truth.Requests || r.Report().Repeated != proxied {
		t.Errorf("Sorted: %d requests, %d repeated; want %d and %d", n, r.Report().Repeated, truth.Requests, proxied)
	}
	if size := r.once.size(); size < int(proxied) || size > 2*int(proxied) {
		t.Errorf("the set holds %d requests for %d proxied", size, proxied)
	}

	if n, _ := scan(Options{EveryStage: true, EveryCopy: true, Fields: FieldStage, Keep: FilterFunc(complete)}, 2); n != all {
		t.Errorf("without CountOnce: %d requests, want %d", n, all)
	}
	onlyOpenShift := func(e *Entry) bool { return complete(e) && e.Source.Server == ServerOpenShift }
	if n, rep := scan(Options{EveryStage: true, Fields: FieldStage, Keep: FilterFunc(onlyOpenShift)}, 2); n != truth.Servers["openshift-apiserver"].Requests || rep.Repeated != 0 {
		t.Errorf("openshift-apiserver alone: %d requests, %d repeated; want %d and 0", n, rep.Repeated, truth.Servers["openshift-apiserver"].Requests)
	}
}

// BenchmarkCountOnce reads a generated must-gather whose kube-apiserver
// proxies the aggregated servers' requests, with and without CountOnce,
// and reports the memory the set of proxied requests holds, per request
// in it.
func BenchmarkCountOnce(b *testing.B) {
	dir := b.TempDir()
	truth, err := mustgather.Generate(dir, mustgather.Config{Seed: 1, Events: 100000, Scenarios: mustgather.ScenarioMix, Proxied: true})
	if err != nil {
		b.Fatal(err)
	}
	sources, err := Find(dir)
	if err != nil {
		b.Fatal(err)
	}
	complete := func(e *Entry) bool { return e.Event.Stage == "ResponseComplete" }
	sinks := []Sink{SinkFunc(func(*Entry) {}), SinkFunc(func(*Entry) {})}
	for _, once := range []bool{false, true} {
		name := "every-copy"
		if once {
			name = "count-once"
		}
		b.Run(name, func(b *testing.B) {
			var held uint64
			var inSet int
			for b.Loop() {
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				r := NewReader(sources, Options{EveryStage: true, Fields: FieldStage | FieldUser, Keep: FilterFunc(complete), EveryCopy: !once})
				if err := r.scan(context.Background(), sinks); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				held = m1.HeapAlloc - m0.HeapAlloc
				if r.once != nil {
					inSet = r.once.size()
				}
				runtime.KeepAlive(r)
			}
			b.ReportMetric(float64(truth.Requests), "requests")
			if once {
				b.ReportMetric(float64(inSet), "in-set")
				b.ReportMetric(float64(held)/float64(inSet), "B/in-set")
			}
		})
	}
}
