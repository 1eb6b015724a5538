package serve_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/internal/mustgather"
	"github.com/auditlens/auditlens/serve"
)

// micro is how the API server writes its times (metav1.MicroTime), which
// the decoder requires.
const micro = "2006-01-02T15:04:05.000000Z07:00"

// readAll fails b when s could not read every event it was given.
func readAll(b *testing.B, s *serve.Server) {
	b.Helper()
	if n := s.Report().Failures(); n > 0 {
		b.Fatalf("%d events unreadable: %+v", n, s.Report().Problems)
	}
}

// benchServer returns a running server of cfg and a function that stops
// it.
func benchServer(b *testing.B, cfg serve.Config) (*serve.Server, func()) {
	b.Helper()
	s, err := serve.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return s, func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}
}

// ingest gives s a batch, again while its queue is full.
func ingest(s *serve.Server, name string, data []byte) {
	for s.Ingest(serve.Batch{Name: name, Data: data}) != nil {
		time.Sleep(time.Millisecond)
	}
}

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
			return []byte(`"requestReceivedTimestamp":"` + at.Format(micro) + `","stageTimestamp":"` + at.Add(stage.Sub(recv)).Format(micro) + `"`)
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
	s, stop := benchServer(b, serve.Config{})
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
	readAll(b, s)
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
	stop()
}

// BenchmarkServeQueryHour answers by=user&o=top over sixty retained
// minutes (the events' times spread over an hour), b.N times.
func BenchmarkServeQueryHour(b *testing.B) {
	const events = 240_000
	batches := benchBatches(b, events, 400, events/3600, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, stop := benchServer(b, serve.Config{})
	defer stop()
	for _, batch := range batches {
		ingest(s, "bench", batch)
	}
	for s.QueuedBytes() > 0 || s.Report().Events < events {
		time.Sleep(time.Millisecond)
	}
	readAll(b, s)
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

// hourEvents writes events [from, to) of the n of minute m (from start)
// as a cluster of 5,000 nodes and 1,000 controllers at 100,000 requests a
// second names them in a minute: 6,000 users, 50,000 objects and one
// request in five naming an object no other names (mustgather.ClusterMinute).
func hourEvents(buf []byte, start time.Time, m, n, from, to int) []byte {
	return mustgather.ClusterMinute(buf, start, m, n, from, to)
}

// BenchmarkServeRetainedHour counts 70 minutes of events with the default
// queries and one hour retained, the events' own times at 100,000 a
// second in 100,000 events a minute, in two shapes: "cluster", as a
// cluster of 6,000 users names them in a minute (hourEvents), every
// minute kept holding as many distinct keys as a minute of that cluster
// at 100,000 a second (its bounded tables full), so that memory, which
// grows with keys and not with events, is what an hour retained at that
// rate takes; and "sample", the committed sample's events over and over
// (sampleEvents). The soft memory limit is the serve command's default.
// Reports the heap in use once collected and the process's peak resident
// memory (Linux; run one shape a process for it), which includes the
// test's own batches in the queue. b.N is ignored: run with -benchtime 1x.
func BenchmarkServeRetainedHour(b *testing.B) {
	b.Run("cluster", func(b *testing.B) { retainedHour(b, hourEvents) })
	sample := sampleTimes(b)
	b.Run("sample", func(b *testing.B) { retainedHour(b, sample.events) })
}

// retainedHour is BenchmarkServeRetainedHour for the events events writes.
func retainedHour(b *testing.B, events func(buf []byte, start time.Time, m, n, from, to int) []byte) {
	const minutes, perMinute, perBatch = 70, 100_000, 5_000
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(128 << 20))
	s, stop := benchServer(b, serve.Config{})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	t0 := time.Now()
	for m := range minutes {
		for i := 0; i < perMinute; i += perBatch {
			batch := events(nil, start, m, perMinute, i, i+perBatch)
			ingest(s, "hour", batch)
		}
	}
	for s.QueuedBytes() > 0 || s.Report().Events < minutes*perMinute {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	readAll(b, s)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(minutes*perMinute)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(peakRSS()/(1<<20), "peak-rss-MB")
	if path := os.Getenv("AUDITLENS_HEAP_PROFILE"); path != "" {
		// What the retained minutes hold (-memprofile is written once the
		// server has stopped).
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
	t1 := time.Now()
	res, err := s.Answer(url.Values{"o": {"findings"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(t1).Microseconds())/1000, "findings-ms")
	_ = res
	stop()
}

// timedLines are event lines with their times cut out, to write them at
// other times.
type timedLines struct {
	parts   [][3][]byte // before the received time, between the times, after the stage time
	latency []time.Duration
}

// sampleTimes returns the sample's event lines ready for other times.
func sampleTimes(b *testing.B) *timedLines {
	tl := &timedLines{}
	for _, f := range sampleLines(b) {
		for _, line := range f.lines {
			m := timestamps.FindSubmatchIndex(line)
			if m == nil {
				continue
			}
			recv, err1 := time.Parse(time.RFC3339Nano, string(line[m[2]:m[3]]))
			stage, err2 := time.Parse(time.RFC3339Nano, string(line[m[4]:m[5]]))
			if err1 != nil || err2 != nil {
				continue
			}
			tl.parts = append(tl.parts, [3][]byte{line[:m[2]], line[m[3]:m[4]], line[m[5]:]})
			tl.latency = append(tl.latency, stage.Sub(recv))
		}
	}
	return tl
}

// events writes the sample's events [from, to) of minute m's n, over and
// over, each at its time in the minute and with its own latency.
func (tl *timedLines) events(buf []byte, start time.Time, m, n, from, to int) []byte {
	step := time.Minute / time.Duration(n)
	for i := from; i < to; i++ {
		k := (m*n + i) % len(tl.parts)
		at := start.Add(time.Duration(m)*time.Minute + time.Duration(i)*step)
		p := tl.parts[k]
		buf = append(buf, p[0]...)
		buf = at.AppendFormat(buf, micro)
		buf = append(buf, p[1]...)
		buf = at.Add(tl.latency[k]).AppendFormat(buf, micro)
		buf = append(append(buf, p[2]...), '\n')
	}
	return buf
}

// peakRSS returns the process's peak resident memory in bytes, as
// /proc/self/status says (VmHWM); 0 where there is none.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb * 1024
		}
	}
	return 0
}
