package export_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

const sampleKube = "../testdata/must-gather/audit_logs/kube-apiserver"

// files lists the files below dir, relative to it, but for the
// manifest, the _SUCCESS marker and the lock.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var list []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != export.ManifestName && d.Name() != export.SuccessName && d.Name() != export.LockName {
			rel, _ := filepath.Rel(dir, p)
			list = append(list, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// openParquet opens an export file.
func openParquet(t *testing.T, path string) *auditparquet.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pq, err := auditparquet.Open(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	return pq
}

// TestLayout checks the partitions, the file names, the metadata, that
// every row is in the partition of its time, and that row groups are
// sorted by time.
func TestLayout(t *testing.T) {
	out := exportOf(t, export.Options{Cluster: "lab-1"}, sampleKube)
	name := regexp.MustCompile(`^cluster=lab-1/date=(\d{4}-\d\d-\d\d)/hour=(\d\d)/part-\d{8}T\d{6}-[0-9a-f]{6}-0-\d+\.parquet$`)
	hours := map[string]bool{}
	var rows int64
	for _, f := range files(t, out) {
		m := name.FindStringSubmatch(f)
		if m == nil {
			t.Errorf("unexpected file %s", f)
			continue
		}
		hours[m[1]+"T"+m[2]] = true
		pq := openParquet(t, filepath.Join(out, f))
		if pq.Cluster() != "lab-1" {
			t.Errorf("%s: cluster %q in the metadata", f, pq.Cluster())
		}
		var r auditparquet.Rows
		for rg := range pq.NumRowGroups() {
			first, last, ok := pq.Times(rg)
			if !ok {
				t.Fatalf("%s: row group %d has no time statistics", f, rg)
			}
			if err := r.Open(pq, rg, auditparquet.ColumnsOf(auditparquet.ColRequestReceived), false); err != nil {
				t.Fatal(err)
			}
			var ev auditv1.Event
			var meta auditparquet.Meta
			prev := first
			for r.Next(&ev, &meta) {
				rows++
				tm := ev.RequestReceivedTimestamp.Time.UTC()
				us := tm.UnixMicro()
				if us < prev || us > last {
					t.Fatalf("%s: row group %d: %v out of order or outside [%d, %d]", f, rg, tm, first, last)
				}
				prev = us
				if got := tm.Format("2006-01-02T15"); got != m[1]+"T"+m[2] {
					t.Fatalf("%s: a row of %s", f, got)
				}
			}
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
		}
		r.Close()
	}
	want := readJSON(t, auditlog.FieldVerb, sampleKube)
	if rows != int64(len(want)) {
		t.Errorf("%d rows in the files, want %d", rows, len(want))
	}
	// The sample spans 2022-02-07T22:15 to 2022-02-08T00:59.
	for _, h := range []string{"2022-02-07T22", "2022-02-07T23", "2022-02-08T00"} {
		if !hours[h] {
			t.Errorf("no partition for %s (have %v)", h, hours)
		}
	}
}

// TestRefusesNonEmpty checks that an export into a directory that holds
// files needs Append, and that appending adds files of other names.
func TestRefusesNonEmpty(t *testing.T) {
	out := exportOf(t, export.Options{}, "../testdata/corpus/falco-k8s-audit")
	before := files(t, out)
	if _, err := export.NewWriter(out, export.Options{}); !errors.Is(err, export.ErrNotEmpty) {
		t.Fatalf("NewWriter into an export: %v, want ErrNotEmpty", err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644)
	if _, err := export.NewWriter(other, export.Options{}); !errors.Is(err, export.ErrNotEmpty) {
		t.Fatalf("NewWriter into a directory with a file: %v, want ErrNotEmpty", err)
	}
	if _, err := export.NewWriter(filepath.Join(other, "notes.txt"), export.Options{}); err == nil {
		t.Fatal("NewWriter into a file: no error")
	}

	w, err := export.NewWriter(out, export.Options{Append: true, Cluster: "other"})
	if err != nil {
		t.Fatal(err)
	}
	sources, _ := auditlog.Find("../testdata/corpus/falco-k8s-audit")
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()})
	for e := range r.All() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	after := files(t, out)
	if len(after) != 2*len(before) {
		t.Errorf("%d files after appending to %d", len(after), len(before))
	}
	for _, f := range before {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("appending lost %s", f)
		}
	}
	got := readJSON(t, auditlog.FieldVerb, out)
	want := readJSON(t, auditlog.FieldVerb, "../testdata/corpus/falco-k8s-audit")
	if len(got) != 2*len(want) {
		t.Errorf("%d entries in the export, want twice %d", len(got), len(want))
	}
}

// TestInterrupted checks that an export that is never closed leaves only
// hidden temporary files, which readers list as skipped and do not read,
// and that Abort removes them.
func TestInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "export")
	w, err := export.NewWriter(out, export.Options{RowGroupBytes: 64 << 10, FileRowGroups: 2})
	if err != nil {
		t.Fatal(err)
	}
	sinks := []*export.Sink{w.Sink(), w.Sink()}
	sources, _ := auditlog.Find(sampleKube)
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()})
	n := 0
	for e := range r.All() {
		sinks[n%2].Add(e)
		if n++; n == 5000 {
			break
		}
	}
	if err := sinks[0].Close(); err != nil { // finished, but not committed
		t.Fatal(err)
	}
	left := files(t, out)
	if len(left) == 0 {
		t.Fatal("no file written")
	}
	for _, f := range left {
		if base := filepath.Base(f); !strings.HasPrefix(base, ".") || !strings.HasSuffix(base, ".parquet.tmp") {
			t.Errorf("an interrupted export left %s", f)
		}
	}
	found, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	rd := auditlog.NewReader(found, auditlog.Options{EveryStage: true, EveryCopy: true})
	for range rd.All() {
		t.Fatal("an entry read from an unfinished export")
	}
	if tally := rd.Report().Problems[auditlog.SkippedFile]; tally.Count != int64(len(left)) || !strings.Contains(tally.Samples[0].Detail, "unfinished export") {
		t.Errorf("skipped files: %+v, want the %d unfinished ones", tally, len(left))
	}
	w.Abort()
	if left := files(t, out); len(left) != 0 {
		t.Errorf("Abort left %v", left)
	}
}

// TestWriteError checks that a failure to write (here, a file where a
// partition's directory must go) is returned, and leaves no file.
func TestWriteError(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "cluster=default"), []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := export.NewWriter(out, export.Options{Append: true})
	if err != nil {
		t.Fatal(err)
	}
	sources, _ := auditlog.Find("../testdata/corpus/falco-k8s-audit")
	var werr error
	for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()}).All() {
		if werr = w.Write(e); werr != nil {
			break
		}
	}
	if werr == nil {
		t.Fatal("Write with no room for a partition: no error")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after a failed Write: no error")
	}
	if got := files(t, out); len(got) != 1 {
		t.Errorf("a failed export left %v", got)
	}
}

func TestClusterNames(t *testing.T) {
	for _, name := range []string{"a/b", "..", "x y", "é", "a=b", strings.Repeat("x", 300)} {
		if _, err := export.NewWriter(t.TempDir(), export.Options{Cluster: name}); err == nil {
			t.Errorf("cluster %q accepted", name)
		}
	}
	for _, name := range []string{"prod-eu-1", "c.1_x", "ABC"} {
		if _, err := export.NewWriter(t.TempDir(), export.Options{Cluster: name}); err != nil {
			t.Errorf("cluster %q: %v", name, err)
		}
	}
}
