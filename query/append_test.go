package query

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/export"
)

// TestAppendWithoutDoubling: appending a log the export holds is refused
// (or left out with SkipExported), a copy of it under another name or
// gzipped is recognised by its first bytes, and appending the log grown
// since exports only its new lines.
func TestAppendWithoutDoubling(t *testing.T) {
	gz, err := os.Open(kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimSuffix(all, []byte("\n")), []byte("\n"))
	half := len(lines) / 2
	logs := t.TempDir()
	live := filepath.Join(logs, "audit.log")
	if err := os.WriteFile(live, bytes.Join(lines[:half], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pq")
	exportOnce := func(path string, opts export.Options) (*Result, error) {
		q := New(path)
		q.Filters.Stages = nil // every line an event: rows are lines
		return q.Export(context.Background(), out, opts)
	}
	rows := func() int64 {
		m, err := export.ReadManifest(out)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := export.Verify(out); err != nil || !c.Complete() {
			t.Fatalf("after an append: %v, %v", c, err)
		}
		return m.Rows
	}
	res, err := exportOnce(live, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Export.Rows != int64(half) || rows() != int64(half) {
		t.Fatalf("first export: %d rows, want %d", res.Export.Rows, half)
	}

	// The same file again: refused, or left out.
	var qe *Error
	if _, err := exportOnce(live, export.Options{Append: true}); !errors.As(err, &qe) || !strings.Contains(err.Error(), "already in the export") {
		t.Errorf("the same log again: %v, want it refused", err)
	}
	res, err = exportOnce(live, export.Options{Append: true, SkipExported: true})
	if err != nil || res.Export.Rows != 0 || len(res.Export.SkippedSources) != 1 || rows() != int64(half) {
		t.Errorf("the same log again, skipped: %+v, %v", res.Export, err)
	}
	// A renamed copy: recognised by its first bytes.
	renamed := filepath.Join(logs, "audit-2022-02-07T23-09-16.000.log")
	if err := os.WriteFile(renamed, bytes.Join(lines[:half], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exportOnce(renamed, export.Options{Append: true}); err == nil {
		t.Error("a renamed copy of an exported log: not refused")
	}
	os.Remove(renamed)

	// The live log grows: only the new lines are exported.
	f, err := os.OpenFile(live, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Join(lines[half:], nil))
	f.Close()
	res, err = exportOnce(live, export.Options{Append: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := int64(len(lines) - half); res.Export.Rows != n || res.Export.AlreadyExported != int64(half) {
		t.Errorf("the grown log: %d rows, %d already exported; want %d and %d", res.Export.Rows, res.Export.AlreadyExported, n, half)
	}
	if got := rows(); got != int64(len(lines)) {
		t.Errorf("the export holds %d rows, want %d", got, len(lines))
	}
}

// TestExportReportsWhereFailures: events a --where expression fails on are
// in the export's result and manifest, not silently dropped.
func TestExportReportsWhereFailures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pq")
	q := New(kubeAPIServer)
	q.Filters.Where = []string{"userAgent.matches(user.username + '(')"}
	res, err := q.Export(context.Background(), out, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var failed int64
	for _, f := range res.FilterFailures {
		failed += f.Count
	}
	if failed == 0 {
		t.Fatal("no --where failure in the export's result")
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	losses := m.Runs[0].Losses
	if len(losses) != 1 || losses[0].Count != failed || !strings.Contains(losses[0].Kind, "--where") {
		t.Errorf("manifest losses %+v, want %d --where failures", losses, failed)
	}
}
