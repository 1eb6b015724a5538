package auditlog_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

var (
	benchParquetOnce    sync.Once
	benchParquetSources []auditlog.Source
	benchParquetErr     error
)

// benchParquet exports benchSet's kube-apiserver logs once per test binary
// and returns the export's sources.
func benchParquet(b *testing.B) []auditlog.Source {
	sources, _ := benchSet(b)
	benchParquetOnce.Do(func() {
		dir, err := os.MkdirTemp("", "auditlens-bench-parquet-")
		if err != nil {
			benchParquetErr = err
			return
		}
		w, err := export.NewWriter(filepath.Join(dir, "export"), export.Options{})
		if err != nil {
			benchParquetErr = err
			return
		}
		if _, _, benchParquetErr = auditlog.Scan(context.Background(), sources, auditlog.Options{EveryStage: true, EveryCopy: true}, w.Sink); benchParquetErr != nil {
			return
		}
		if benchParquetErr = w.Close(); benchParquetErr != nil {
			return
		}
		benchParquetSources, benchParquetErr = auditlog.Find(filepath.Join(dir, "export"))
	})
	if benchParquetErr != nil {
		b.Fatal(benchParquetErr)
	}
	return benchParquetSources
}

// BenchmarkScanParquet reads an export of BenchmarkScan's set with Scan,
// for a user top and for every field, beside the same top from the logs.
// MB/s are of the logs' uncompressed JSON, as in BenchmarkScan, so the
// cases compare by MB/s (and with BenchmarkScan/decompress-only).
func BenchmarkScanParquet(b *testing.B) {
	logs, size := benchSet(b)
	pq := benchParquet(b)
	workers := runtime.GOMAXPROCS(0)
	userTop := auditlog.FieldUser | auditlog.FieldFieldManager | auditlog.FieldStage | auditlog.FieldRequestReceivedTimestamp
	for _, c := range []struct {
		name    string
		sources []auditlog.Source
		fields  auditlog.Fields
	}{
		{"logs-user-top", logs, userTop},
		{"parquet-user-top", pq, userTop},
		{"parquet-resource-top", pq, auditlog.FieldRequestURI | auditlog.FieldStage | auditlog.FieldRequestReceivedTimestamp},
		{"parquet-all-fields", pq, auditlog.FieldsAll},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var events int64
			for b.Loop() {
				_, rep, err := auditlog.Scan(context.Background(), c.sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: c.fields, Workers: workers}, func() *entryCount { return new(entryCount) })
				if err != nil {
					b.Fatal(err)
				}
				events = rep.Events
			}
			b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
