package serve_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/serve"
)

// timestamps matches an event's two times.
var timestamps = regexp.MustCompile(`"requestReceivedTimestamp":"([^"]+)","stageTimestamp":"([^"]+)"`)

// benchBatches returns batches of n events made from the sample's, their
// times rewritten to arrive at rate events a second from start (each
// keeping its latency), as JSON lines.
func benchBatches(b *testing.B, events, n, rate int, start time.Time) [][]byte {
	b.Helper()
	var all [][]byte
	for _, f := range sampleLines(b) {
		all = append(all, f.lines...)
	}
	step := time.Second / time.Duration(rate)
	var batches [][]byte
	var cur []byte
	for i := range events {
		line := all[i%len(all)]
		at := start.Add(time.Duration(i) * step)
		line = timestamps.ReplaceAllFunc(line, func(m []byte) []byte {
			sub := timestamps.FindSubmatch(m)
			recv, err1 := time.Parse(time.RFC3339Nano, string(sub[1]))
			stage, err2 := time.Parse(time.RFC3339Nano, string(sub[2]))
			if err1 != nil || err2 != nil {
				return m
			}
			return []byte(`"requestReceivedTimestamp":"` + at.Format(time.RFC3339Nano) + `","stageTimestamp":"` + at.Add(stage.Sub(recv)).Format(time.RFC3339Nano) + `"`)
		})
		cur = append(append(cur, line...), '\n')
		if (i+1)%n == 0 || i == events-1 {
			batches = append(batches, cur)
			cur = nil
		}
	}
	return batches
}

// BenchmarkServeIngest posts webhook batches of 400 events over loopback
// from four clients, the events' own times at 100,000 a second, and
// reports events/s, the 99th percentile of a batch's response and the heap
// once counted. b.N is the number of events.
func BenchmarkServeIngest(b *testing.B) {
	batches := benchBatches(b, max(b.N, 4000), 400, 100_000, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := serve.New(serve.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	hs := httptest.NewServer(s.Handler(nil, nil))
	defer hs.Close()
	var (
		mu    sync.Mutex
		times []time.Duration
		next  = make(chan []byte)
		wg    sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range next {
				for {
					t0 := time.Now()
					resp, err := http.Post(hs.URL+"/audit", "application/json", bytes.NewReader(batch))
					if err != nil {
						b.Error(err)
						return
					}
					resp.Body.Close()
					mu.Lock()
					times = append(times, time.Since(t0))
					mu.Unlock()
					if resp.StatusCode == http.StatusOK {
						break
					}
					time.Sleep(time.Millisecond) // 429: the backend retries
				}
			}
		}()
	}
	for _, batch := range batches {
		next <- batch
	}
	close(next)
	wg.Wait()
	for s.QueuedBytes() > 0 {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(times)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(max(b.N, 4000))/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	t0 := time.Now()
	resp, err := http.Get(hs.URL + "/query?by=user&o=top")
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "query-ms")
	cancel()
	<-done
}

// BenchmarkServeQueryHour answers by=user&o=top over sixty retained
// minutes (the events' times spread over an hour), b.N times.
func BenchmarkServeQueryHour(b *testing.B) {
	const events = 240_000
	batches := benchBatches(b, events, 400, events/3600, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := serve.New(serve.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	for _, batch := range batches {
		for s.Ingest(serve.Batch{Name: "bench", Data: batch}) != nil {
			time.Sleep(time.Millisecond)
		}
	}
	for s.QueuedBytes() > 0 || s.Report().Events < events {
		time.Sleep(time.Millisecond)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	hs := httptest.NewServer(s.Handler(nil, nil))
	defer hs.Close()
	b.ResetTimer()
	for range b.N {
		resp, err := http.Get(hs.URL + "/query?by=user&o=top")
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
}
