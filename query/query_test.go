package query

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/filter"
)

const kubeAPIServer = "../testdata/must-gather/audit_logs/kube-apiserver"

// TestErrorsNameTheFlag: every query that cannot run is an *Error naming
// its flag, returned before any input is read (the paths do not exist).
func TestErrorsNameTheFlag(t *testing.T) {
	for _, tc := range []struct {
		q    Query
		flag string
	}{
		{Query{Output: "yaml"}, "output"},
		{Query{Output: "stats=3"}, "output"},
		{Query{Output: "top"}, "by"},
		{Query{Output: "top", By: "colour"}, "by"},
		{Query{Output: "top", By: "user", Format: "xml"}, "format"},
		{Query{Format: "csv"}, "format"},
		{Query{Output: "latency", By: "user", Sort: "p50"}, "sort"},
		{Query{Output: "histogram", Bucket: "0s"}, "bucket"},
		{Query{Output: "histogram", By: "user", Window: "+20m,+10m"}, "window"},
		{Query{Output: "histogram", By: "user", Window: "-10m,-20m"}, "window"},
		{Query{Output: "histogram", Window: "+1m,+2m"}, "window"},
		{Query{Workers: -1}, "workers"},
		{Query{ArtifactRegex: "x"}, "artifact-regex"},
		{Query{}, "filename"},
	} {
		tc.q.Paths = append(tc.q.Paths, "does/not/exist")
		if tc.flag == "filename" {
			tc.q.Paths = nil
		}
		_, err := tc.q.Run(context.Background())
		var qe *Error
		if !errors.As(err, &qe) || qe.Flag != tc.flag {
			t.Errorf("%+v: %v, want an *Error about --%s", tc.q, err, tc.flag)
		}
	}
	for _, tc := range []struct {
		f    filter.Flags
		flag string
	}{
		{filter.Flags{Verbs: []string{"get"}, HTTPStatusCodes: []string{"4O3"}}, "http-status-code"},
		{filter.Flags{ReadOnly: true, WriteOnly: true}, "write-only"},
		{filter.Flags{Since: "-5m", Until: "-10m"}, "until"},
		{filter.Flags{Before: "soon"}, "before"},
	} {
		q := Query{Paths: []string{"does/not/exist"}, Filters: tc.f}
		_, err := q.Run(context.Background())
		var qe *Error
		if !errors.As(err, &qe) || qe.Flag != tc.flag {
			t.Errorf("%+v: %v, want an *Error about --%s", tc.f, err, tc.flag)
		}
	}
}

// TestCancel: a done context stops an aggregate query and a listing, and
// says so.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := New(kubeAPIServer)
	q.Output, q.By = "top", "user"
	if _, err := q.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("aggregate: %v, want context.Canceled", err)
	}
	res, err := New(kubeAPIServer).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := res.Write(&out); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("listing: %v and %d bytes, want context.Canceled and nothing", err, out.Len())
	}
}

// TestEntriesOnce: a listing reads its input once; its summary and report
// are those of the whole listing.
func TestEntriesOnce(t *testing.T) {
	q := New(kubeAPIServer)
	q.Filters.Users = []string{"alice"}
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsListing() || res.Document != nil || res.HTML != nil {
		t.Fatalf("a listing's result: %+v", res)
	}
	n := 0
	for range res.Entries() {
		n++
	}
	if n == 0 || res.Summary.Count != int64(n) || res.Report == nil || res.Report.Events != 22250 {
		t.Errorf("%d entries, summary %d, report %+v", n, res.Summary.Count, res.Report)
	}
	for range res.Entries() {
		t.Fatal("a second iteration yielded an entry")
	}
	if err := res.Write(io.Discard); err != nil {
		t.Error(err)
	}
}

// TestNoInput: paths that hold no audit log are an error, not an empty
// answer.
func TestNoInput(t *testing.T) {
	for _, paths := range [][]string{{"does/not/exist"}, {t.TempDir()}} {
		_, err := New(paths...).Run(context.Background())
		var qe *Error
		if err == nil || errors.As(err, &qe) {
			t.Errorf("%v: %v, want an error reading the input", paths, err)
		}
	}
}
