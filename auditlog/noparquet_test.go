package auditlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/auditlog/internal/rowgroup"
)

// TestParquetWithoutSource: in a program that does not import
// parquetsource, a Parquet file is reported unreadable, naming the package
// that reads it, by All and by Sorted alike (which reads *.parquet files
// as one stream). The test binary imports it (parquetsource_test.go), so
// the test unregisters it while it runs.
func TestParquetWithoutSource(t *testing.T) {
	if rowgroup.Registered() == nil {
		t.Fatal("the test binary registers no Parquet format: parquetsource_test.go is gone")
	}
	defer rowgroup.Register(rowgroup.Registered())
	rowgroup.Register(nil)

	dir := t.TempDir()
	path := filepath.Join(dir, "part-0.parquet")
	if err := os.WriteFile(path, []byte("PAR1 not really PAR1"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sorted := range []bool{false, true} {
		r := NewReader([]Source{{Path: path}}, Options{})
		n := 0
		read := r.All()
		if sorted {
			read = r.Sorted(0)
		}
		for range read {
			n++
		}
		got := r.Report().Problems[Unreadable]
		if n != 0 || got.Count != 1 || !strings.Contains(got.Samples[0].String(), "auditlog/parquetsource") {
			t.Errorf("sorted=%v: %d events, unreadable %+v: want 0 events and one sample naming parquetsource", sorted, n, got)
		}
	}
}
