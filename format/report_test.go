package format

import (
	"bytes"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

func TestWriteReadReport(t *testing.T) {
	var r auditlog.Report
	r.Files, r.CompressedBytes, r.Bytes, r.Lines, r.Events = 3, 1000, 5000, 40, 36
	r.Problems[auditlog.BadJSON] = auditlog.Tally{Count: 5, Samples: []auditlog.Sample{
		{File: "a.log", Line: 3, Detail: "invalid character 'k'"},
		{File: "a.log", Line: 9, Detail: "unexpected end of JSON"},
		{File: "b.log", Line: 1, Detail: "bad \x1b[31m"},
		{File: "b.log", Line: 4, Detail: "x"},
	}}
	r.Problems[auditlog.Truncated] = auditlog.Tally{Count: 1, Samples: []auditlog.Sample{{File: "c.log", Line: 7, Detail: "no newline"}}}
	r.Problems[auditlog.SkippedFile] = auditlog.Tally{Count: 1, Samples: []auditlog.Sample{{File: "termination.log", Detail: "termination log"}}}
	r.ByFile = []auditlog.FileReport{
		fileReport("a.log", auditlog.ServerKube, "master-0", auditlog.ShapeLines, 18, auditlog.BadJSON, 2),
		fileReport("b.log", auditlog.ServerOpenShift, "master-0", auditlog.ShapeLines, 10, auditlog.BadJSON, 3),
		fileReport("c.log", auditlog.ServerKube, "master-1", auditlog.ShapeLines, 7, auditlog.Truncated, 1),
		fileReport("aks.json", "", "", auditlog.ShapeAKS, 1, auditlog.NotEvent, 0),
		fileReport("x.log.gz", "", "", auditlog.ShapeLines, 1, auditlog.NotEvent, 0),
	}
	r.ByFile[1].Repeated = 4
	r.ByFile[4].Notes = []string{"named .gz, read as plain text"}
	r.Problems[auditlog.Repaired] = auditlog.Tally{Count: 2, Samples: []auditlog.Sample{{File: "a.log", Line: 5, Detail: "cannot decode JSON number into verb"}}}
	r.OutOfOrder, r.MaxLateness = 12, 3*time.Minute+2*time.Second
	for _, tc := range []struct {
		name    string
		verbose bool
	}{{"report.txt", false}, {"report-verbose.txt", true}} {
		var buf bytes.Buffer
		if err := WriteReadReport(&buf, &r, tc.verbose); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, buf.Bytes())
	}
	var buf bytes.Buffer
	clean := &auditlog.Report{Files: 1, Events: 5, ByFile: []auditlog.FileReport{
		fileReport("a.log", auditlog.ServerKube, "", auditlog.ShapeLines, 5, auditlog.BadJSON, 0)}}
	if err := WriteReadReport(&buf, clean, false); err != nil || buf.Len() != 0 {
		t.Errorf("clean report wrote %q, %v; want nothing", buf.String(), err)
	}
	// With no event at all, every file is listed with its verdict.
	buf.Reset()
	none := &auditlog.Report{Files: 2, ByFile: []auditlog.FileReport{
		fileReport("notes.txt", "", "", auditlog.ShapeLines, 0, auditlog.BadJSON, 2), {Path: "empty.log"}}}
	none.ByFile[0].Bytes = 10
	if err := WriteReadReport(&buf, none, false); err != nil {
		t.Fatal(err)
	}
	if want := "notes.txt: no audit events: not an audit log (2 lines of bad JSON)\nempty.log: no audit events: empty\n"; buf.String() != want {
		t.Errorf("no events: %q, want %q", buf.String(), want)
	}
}

// fileReport is the report of a file of events of one shape, with n
// problems of one kind.
func fileReport(path string, server auditlog.Server, node string, shape auditlog.Shape, events int64, p auditlog.Problem, n int64) auditlog.FileReport {
	f := auditlog.FileReport{Path: path, Server: server, Node: node, Format: auditlog.FormatPlain}
	f.Events[shape] = events
	f.Problems[p] = n
	return f
}

func TestStatusMix(t *testing.T) {
	for _, tc := range []struct {
		in   []aggregateStatus
		want string
	}{
		{nil, ""},
		{[]aggregateStatus{{403, 8313}}, "403-8313"},
		{[]aggregateStatus{{-1, 2}, {200, 3}, {429, 1}}, "-1-2,200-3,429-1"},
	} {
		if got := StatusMix(statusCounts(tc.in)); got != tc.want {
			t.Errorf("StatusMix(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestListingAlignsInBlocks(t *testing.T) {
	entries := loadEntries(t)
	var buf bytes.Buffer
	l := NewListing(&buf, ListDefault)
	for i := 0; i < listBlock+1; i++ {
		if err := l.Write(entries[i%len(entries)]); err != nil {
			t.Fatal(err)
		}
	}
	// Nothing of the last, unfinished block is written before Flush, and
	// every full block is.
	if n := bytes.Count(buf.Bytes(), []byte("\n")); n > listBlock {
		t.Errorf("%d lines written before Flush, want at most %d", n, listBlock)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("\n")); n != listBlock+1 {
		t.Errorf("%d lines after Flush, want %d", n, listBlock+1)
	}
}

// TestWriteReadReportOrigins: the servers and nodes of a Parquet export
// are those that logged its rows.
func TestWriteReadReportOrigins(t *testing.T) {
	r := &auditlog.Report{Files: 2, Events: 13, ByFile: []auditlog.FileReport{
		{Path: "export/a.parquet", Format: auditlog.FormatParquet, Origins: []auditlog.Origin{
			{Server: auditlog.ServerKube, Node: "master-0", Events: 6}, {Server: auditlog.ServerOpenShift, Node: "master-0", Events: 2}}},
		{Path: "export/b.parquet", Format: auditlog.FormatParquet, Origins: []auditlog.Origin{
			{Server: auditlog.ServerKube, Node: "master-1", Events: 5}}},
	}}
	var buf bytes.Buffer
	if err := WriteReadReport(&buf, r, false); err != nil {
		t.Fatal(err)
	}
	want := "read 2 API servers:\n" +
		"  kube-apiserver           11 events: master-0 6, master-1 5\n" +
		"  openshift-apiserver       2 events: master-0 2\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}
