package query

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/export"
)

// TestExportThenAsk: an export through the query gives, read back, the
// answers the logs give, and a second export into it is refused unless it
// appends.
func TestExportThenAsk(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pq")
	q := New(kubeAPIServer)
	q.Filters.Stages = nil // every event, to ask any question of the copy
	res, err := q.Export(context.Background(), out, export.Options{Cluster: "lab"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Export == nil || res.Export.Rows != 22250 || res.Summary.Count != 22250 {
		t.Fatalf("export: %+v, summary %+v", res.Export, res.Summary)
	}
	var line bytes.Buffer
	if err := res.Write(&line); err != nil || !bytes.HasPrefix(line.Bytes(), []byte("exported 22250 events to ")) {
		t.Errorf("Write: %q, %v", line.String(), err)
	}
	for _, by := range []string{"user", "verb", "resource"} {
		answer := func(paths string) []byte {
			q := New(paths)
			q.By, q.Output, q.Format = by, "top=5", "json"
			res, err := q.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := res.Write(&b); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		if logs, copy := answer(kubeAPIServer), answer(out); !bytes.Equal(logs, copy) {
			t.Errorf("--by=%s from the export:\n%s\nfrom the logs:\n%s", by, copy, logs)
		}
	}
	_, err = New(kubeAPIServer).Export(context.Background(), out, export.Options{Cluster: "lab"})
	var qe *Error
	if !errors.As(err, &qe) || qe.Flag != "to" {
		t.Errorf("a second export into the directory: %v, want an *Error about --to", err)
	}
	// Appending the same logs would double them: refused.
	if _, err := New(kubeAPIServer).Export(context.Background(), out, export.Options{Cluster: "lab2", Append: true}); !errors.As(err, &qe) || qe.Flag != "skip-exported" {
		t.Errorf("--append of the same logs: %v, want an *Error about --skip-exported", err)
	}
	if _, err := New(kubeAPIServer).Export(context.Background(), out, export.Options{Cluster: "lab2", Append: true, SkipExported: true}); err != nil {
		t.Errorf("--append --skip-exported: %v", err)
	}
	q.Output = "top"
	if _, err := q.Export(context.Background(), t.TempDir(), export.Options{}); !errors.As(err, &qe) || qe.Flag != "output" {
		t.Errorf("an export with -o: %v, want an *Error about --output", err)
	}
}
