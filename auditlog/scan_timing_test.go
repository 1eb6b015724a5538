package auditlog_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

var (
	benchOnce    sync.Once
	benchSources []auditlog.Source
	benchBytes   int64
	benchErr     error
)

// benchSet generates a must-gather of 100,000 kube-apiserver requests once
// per test binary, and returns its sources and uncompressed size.
func benchSet(b *testing.B) ([]auditlog.Source, int64) {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "auditlens-bench-")
		if err != nil {
			benchErr = err
			return
		}
		if _, benchErr = mustgather.Generate(dir, mustgather.Config{Seed: 1, Events: 100000, Scenarios: mustgather.ScenarioMix}); benchErr != nil {
			return
		}
		benchSources, benchErr = auditlog.Find(dir)
		if benchErr != nil {
			return
		}
		for i := range benchSources {
			if benchSources[i].Skip != "" {
				continue
			}
			f, err := auditlog.Open(&benchSources[i])
			if err != nil {
				benchErr = err
				return
			}
			n, _ := io.Copy(io.Discard, f)
			f.Close()
			benchBytes += n
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSources, benchBytes
}

// BenchmarkScan compares a parallel Scan, decoding what a top view needs,
// with merely decompressing the same files with as many workers: the floor
// any reader of these files stands on. MB/s are of uncompressed JSON.
func BenchmarkScan(b *testing.B) {
	sources, size := benchSet(b)
	workers := runtime.GOMAXPROCS(0)
	b.Run("decompress-only", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					buf := make([]byte, 1<<20)
					for {
						i := int(next.Add(1) - 1)
						if i >= len(sources) {
							return
						}
						if sources[i].Skip != "" {
							continue
						}
						f, err := auditlog.Open(&sources[i])
						if err != nil {
							b.Error(err)
							return
						}
						for {
							if _, err := f.Read(buf); err != nil {
								break
							}
						}
						f.Close()
					}
				}()
			}
			wg.Wait()
		}
	})
	for _, c := range []struct {
		name   string
		fields auditlog.Fields
	}{
		{"user-top", auditlog.FieldUser | auditlog.FieldStage | auditlog.FieldRequestURI | auditlog.FieldRequestReceivedTimestamp},
		{"all-fields", auditlog.FieldsAll},
	} {
		b.Run("scan-"+c.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var events int64
			for b.Loop() {
				opts := auditlog.Options{EveryStage: true, EveryCopy: true, Fields: c.fields, Workers: workers}
				_, rep, err := auditlog.Scan(context.Background(), sources, opts, func() *entryCount { return new(entryCount) })
				if err != nil {
					b.Fatal(err)
				}
				events = rep.Events
			}
			b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
