package auditlog_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

const sampleKube = "../testdata/must-gather/audit_logs/kube-apiserver"

// exportSample exports the logs of one node of the sample's kube-apiserver
// (a third of it, 2h45m) into a new directory in row groups of about
// 64 KiB, and returns it with the number of events exported.
func exportSample(t *testing.T) (string, int64) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export")
	w, err := export.NewWriter(out, export.Options{Cluster: "sample", RowGroupBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	all, err := auditlog.Find(sampleKube)
	if err != nil {
		t.Fatal(err)
	}
	var sources []auditlog.Source
	for _, s := range all {
		if s.Node == "ip-10-0-142-86.ec2.internal" {
			sources = append(sources, s)
		}
	}
	for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()}).All() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out, w.Result().Rows
}

// parquetFiles lists the Parquet files below dir.
func parquetFiles(t *testing.T, dir string) []string {
	t.Helper()
	var list []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".parquet") {
			list = append(list, p)
		}
		return err
	})
	if len(list) == 0 {
		t.Fatalf("no Parquet file in %s", dir)
	}
	return list
}

// scanCount reads sources with Scan and two workers and returns the
// entries read and the report.
func scanCount(t *testing.T, sources []auditlog.Source, opts auditlog.Options) (int64, *auditlog.Report) {
	t.Helper()
	opts.Workers = 2
	n, rep, err := auditlog.Scan(context.Background(), sources, opts, func() *entryCount { return new(entryCount) })
	if err != nil {
		t.Fatal(err)
	}
	return n.n, rep
}

// entryCount counts entries.
type entryCount struct{ n int64 }

func (c *entryCount) Add(*auditlog.Entry)     { c.n++ }
func (c *entryCount) Fields() auditlog.Fields { return 0 }
func (c *entryCount) Merge(o *entryCount)     { c.n += o.n }

func TestParquetFound(t *testing.T) {
	out, rows := exportSample(t)
	sources, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := parquetFiles(t, out); len(sources) != len(want) {
		t.Fatalf("Find found %d sources, want the %d Parquet files", len(sources), len(want))
	}
	for i := range sources {
		if sources[i].Skip != "" {
			t.Errorf("%s skipped: %s", sources[i].Path, sources[i].Skip)
		}
		f, err := auditlog.Open(&sources[i])
		if err != nil {
			t.Fatal(err)
		}
		if f.Format() != auditlog.FormatParquet {
			t.Errorf("%s: format %s", sources[i].Path, f.Format())
		}
		f.Close()
	}
	var progress atomic.Int64
	n, rep := scanCount(t, sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldVerb, Progress: func(n int64) { progress.Add(n) }})
	if n != rows || rep.Events != rows || rep.Files != len(sources) {
		t.Errorf("read %d entries (report: %d events, %d files), want %d in %d files", n, rep.Events, rep.Files, rows, len(sources))
	}
	// The report says which server and node logged the rows of each file.
	var fromOrigins int64
	for _, f := range rep.ByFile {
		for _, o := range f.Origins {
			if o.Server != auditlog.ServerKube || o.Node != "ip-10-0-142-86.ec2.internal" {
				t.Errorf("%s: events of %q on %q", f.Path, o.Server, o.Node)
			}
			fromOrigins += o.Events
		}
	}
	if fromOrigins != rows {
		t.Errorf("the files' origins count %d events, want %d", fromOrigins, rows)
	}
	var size int64
	for _, s := range sources {
		size += s.Size
	}
	if progress.Load() != size {
		t.Errorf("progress told %d bytes, want the files' %d", progress.Load(), size)
	}
}

// TestParquetForeignAndDamaged puts a Parquet file of another schema, a
// file cut short and one with a damaged column chunk beside an export:
// each is reported, and every other row is read.
func TestParquetForeignAndDamaged(t *testing.T) {
	out, rows := exportSample(t)
	files := parquetFiles(t, out)
	dir := filepath.Dir(files[0])

	type other struct {
		Name string `parquet:"name"`
	}
	foreign := filepath.Join(dir, "foreign.parquet")
	if err := parquet.WriteFile(foreign, []other{{"a"}, {"b"}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "cut.parquet"), data[:len(data)/2], 0o644)

	// Overwrite the username column chunk of row group 0 of a copy.
	pf, err := parquet.OpenFile(strings.NewReader(string(data)), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	lost := pf.Metadata().RowGroups[0].NumRows
	copyRows := pf.NumRows()
	leaf, _ := pf.Schema().Lookup("username")
	md := pf.Metadata().RowGroups[0].Columns[leaf.ColumnIndex].MetaData
	start := md.DataPageOffset
	if md.DictionaryPageOffset > 0 {
		start = md.DictionaryPageOffset
	}
	end := start + md.TotalCompressedSize
	damaged := []byte(string(data))
	for i := start; i < end; i++ {
		damaged[i] = 0xff
	}
	os.WriteFile(filepath.Join(dir, "damaged.parquet"), damaged, 0o644)

	sources, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, n int64, rep *auditlog.Report) {
		t.Helper()
		if min, max := rows+copyRows-lost, rows+copyRows-1; n < min || n > max {
			t.Errorf("read %d entries, want %d to %d", n, min, max)
		}
		if u := rep.Problems[auditlog.Unreadable]; u.Count != 1 || !strings.Contains(u.Samples[0].String(), "foreign.parquet: a Parquet file not written by auditlens") {
			t.Errorf("unreadable: %+v", u)
		}
		b := rep.Problems[auditlog.BadParquet]
		if b.Count != 2 {
			t.Errorf("damaged Parquet: %+v, want the cut file and row group 0", b)
		}
		var text []string
		for _, s := range b.Samples {
			text = append(text, s.String())
		}
		joined := strings.Join(text, "\n")
		if !strings.Contains(joined, "cut.parquet: damaged Parquet file") || !strings.Contains(joined, "damaged.parquet: row group 0: damaged Parquet file") {
			t.Errorf("damaged Parquet samples:\n%s", joined)
		}
	}
	opts := auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldUser | auditlog.FieldVerb}
	t.Run("Scan", func(t *testing.T) {
		n, rep := scanCount(t, sources, opts)
		check(t, n, rep)
	})
	t.Run("All", func(t *testing.T) {
		r := auditlog.NewReader(sources, opts)
		var n int64
		for range r.All() {
			n++
		}
		check(t, n, r.Report())
	})
	t.Run("Sorted", func(t *testing.T) {
		r := auditlog.NewReader(sources, opts)
		var n int64
		for range r.Sorted(0) {
			n++
		}
		check(t, n, r.Report())
	})
}

// TestParquetWindow checks that Options.Since and Until skip the row
// groups outside the window, and that no entry in it is lost.
func TestParquetWindow(t *testing.T) {
	out, _ := exportSample(t)
	sources, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2022, 2, 7, 23, 30, 0, 0, time.UTC)
	until := since.Add(10 * time.Minute)
	keep := func(e *auditlog.Entry) bool {
		t := e.Event.RequestReceivedTimestamp.Time
		return !t.Before(since) && t.Before(until)
	}
	fields := auditlog.FieldRequestReceivedTimestamp | auditlog.FieldUser
	all, allRep := scanCount(t, sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields, Keep: auditlog.FilterFunc(keep)})
	n, rep := scanCount(t, sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields, Keep: auditlog.FilterFunc(keep), Since: since, Until: until})
	if n != all || n == 0 {
		t.Errorf("%d entries in the window with it skipped, %d without", n, all)
	}
	if rep.CompressedBytes*3 > allRep.CompressedBytes {
		t.Errorf("a window of 10 minutes of 2h45m read %d bytes of %d", rep.CompressedBytes, allRep.CompressedBytes)
	}
	if rep.Events >= allRep.Events/3 {
		t.Errorf("a window of 10 minutes of 2h45m decoded %d events of %d", rep.Events, allRep.Events)
	}
}
