package export_test

import (
	"context"
	"io"
	"path/filepath"

	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

// BenchmarkExport exports the sample's kube-apiserver logs with one sink
// per core, as the command would. MB/s are of the logs' uncompressed JSON.
// The lab-sized case is the harness's export case.
func BenchmarkExport(b *testing.B) {
	sources, err := auditlog.Find(sampleKube)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for i := range sources {
		if sources[i].Skip != "" {
			continue
		}
		f, err := auditlog.Open(&sources[i])
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, f)
		f.Close()
		size += n
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var rows int64
	for b.Loop() {
		w, err := export.NewWriter(filepath.Join(b.TempDir(), "export"), export.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{EveryStage: true, EveryCopy: true}, w.Sink); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		rows = w.Result().Rows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
