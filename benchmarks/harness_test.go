package main

import (
	"github.com/auditlens/auditlens/internal/builddir"
	"github.com/auditlens/auditlens/internal/longtest"

	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
)

// TestMain lets the test binary stand in for the harness binary: the
// harness re-runs its own executable in child modes.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runSmall runs the harness end to end on a small generated set of the lab
// shape: 1000 requests, enough for every question compared with the naive
// baseline to have an answer of some lines (TestHarnessInproc checks it).
func runSmall(t *testing.T, library string, cases []string) (document, string) {
	t.Helper()
	doc, out, _ := runSmallShape(t, library, cases, shapeLab)
	return doc, out
}

// runSmallShape is runSmall on a set of the given shape; it returns the
// harness's log too.
func runSmallShape(t *testing.T, library string, cases []string, shape string) (document, string, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(t.TempDir(), "results.json")
	o := options{sizes: []int{1000}, workers: 2, library: library, count: 1, exe: exe, json: jsonPath, cases: cases,
		rotatedFiles: 10, hugeLines: 2, hugeBytes: 200 << 10, cliDir: builddir.For(t, "harness-cli"), shape: shape}
	var out, log bytes.Buffer
	if err := run(o, &out, &log); err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), log.String())
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc document
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc, out.String(), log.String()
}

// TestHarnessClusterShape runs the harness on the cluster shape (-shape
// cluster): its set is generated and read, the views are measured, the
// answers of the questions it can ask equal the naive baseline's, and the
// questions about a culprit, which it has none of, are skipped with a word.
func TestHarnessClusterShape(t *testing.T) {
	cases := []string{"floor", "by-user", "by-resource", "culprit-by-verb", "findings", "naive"}
	doc, out, log := runSmallShape(t, libInproc, cases, shapeCluster)
	r := doc.Runs[0]
	if r.Shape != shapeCluster || r.Requests != 1000 || r.Events != 1000 || r.Bytes <= 0 {
		t.Errorf("run: shape %q, %d requests, %d events, %d bytes", r.Shape, r.Requests, r.Events, r.Bytes)
	}
	for _, name := range []string{"by-user", "by-resource", "findings"} {
		if x := r.row(name, libInproc); x == nil || x.WallSeconds <= 0 {
			t.Errorf("%s: %+v", name, x)
		}
	}
	if x := r.row("culprit-by-verb", libInproc); x != nil {
		t.Errorf("culprit-by-verb measured on a set without a culprit: %+v", x)
	}
	if !strings.Contains(log, "skipping culprit-by-verb") {
		t.Errorf("no word of the skipped question:\n%s", log)
	}
	if len(r.Answers) != 2 {
		t.Fatalf("%d answers compared, want 2 (by-user, by-resource)", len(r.Answers))
	}
	for _, c := range r.Answers {
		if !c.Equal || c.Lines == 0 {
			t.Errorf("answer %s: equal %v, %d lines, %v", c.Question, c.Equal, c.Lines, c.Diffs)
		}
	}
	if !strings.Contains(out, "1000 kube-apiserver requests (cluster shape)") {
		t.Errorf("the table does not name the shape:\n%s", out)
	}
}

func TestHarnessInproc(t *testing.T) {
	doc, out := runSmall(t, libInproc, nil)
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	r := doc.Runs[0]
	if r.Requests != 1000 || r.Events < 1000 || r.Bytes <= 0 {
		t.Errorf("run: %d requests, %d events, %d bytes", r.Requests, r.Events, r.Bytes)
	}
	var want []string // the CLI alone runs the stress cases
	for _, name := range caseNames() {
		if !isStress(name) {
			want = append(want, name)
		}
	}
	base := "floor" // the row every ratio is taken over
	if auditlog.Inflater() != auditlog.InflaterKlauspost {
		// klauspost's floor too, right after the floor (issue 26).
		base = klauspostFloorCase
		want = slices.Insert(want, 1, klauspostFloorCase)
	}
	if len(r.Rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(r.Rows), len(want), out)
	}
	if x := r.row(base, "floor"); x == nil || x.XFloor != 1 {
		t.Errorf("the ratios are not over %s's wall time:\n%s", base, out)
	}
	for i, x := range r.Rows {
		if x.Case != want[i] {
			t.Errorf("row %d is %s, want %s", i, x.Case, want[i])
		}
		if x.WallSeconds <= 0 || x.PeakRSSBytes <= 0 || x.MBPerSecond <= 0 {
			t.Errorf("%s: wall %v, rss %d, MB/s %v", x.Case, x.WallSeconds, x.PeakRSSBytes, x.MBPerSecond)
		}
		if q, err := findQuestion(labQuestions(""), questionOf(x.Case)); err == nil && x.Impl == libInproc && q.compared() && x.XFasterThanNaive <= 0 {
			t.Errorf("%s: no ratio to the naive baseline", x.Case)
		}
	}
	// Every question the naive baseline answers, from the logs and from
	// the Parquet copy.
	var compared int
	for _, q := range labQuestions("") {
		if q.compared() {
			compared++
		}
	}
	if want := 2 * compared; len(r.Answers) != want || compared < 8 {
		t.Fatalf("%d answers compared, want %d", len(r.Answers), want)
	}
	for _, c := range r.Answers {
		if !c.Equal || c.Lines == 0 {
			t.Errorf("answer %s: equal %v, %d lines, %v", c.Question, c.Equal, c.Lines, c.Diffs)
		}
	}
	if !strings.Contains(out, "x faster than naive") || !strings.Contains(out, "targets:") {
		t.Errorf("no table in the output:\n%s", out)
	}
}

func TestHarnessCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds examples/kubectl-audit")
	}
	// The harness builds the CLI once, and fails when it does not build
	// (-library cli). The long run has every case of the CLI; the short
	// one answers compared with the baseline's, and a page.
	cases := longtest.Pick([]string{"by-user", "grouped", "html", "naive"},
		[]string{"by-user", "culprit-by-verb", "get-listing", "grouped", "html",
			parquetCase("by-user"), parquetCase("get-listing"), "listing-rotated", "listing-huge", "listing-huge-json", "listing-huge-get", "naive"})
	measured := longtest.Pick([]string{"html"}, []string{"html", "listing-rotated", "listing-huge", "listing-huge-json", "listing-huge-get"})
	doc, out := runSmall(t, libCLI, cases)
	r := doc.Runs[0]
	if want := longtest.Pick(2, 6); len(r.Answers) != want {
		t.Fatalf("%d answers compared, want %d", len(r.Answers), want)
	}
	for _, name := range measured {
		x := r.row(name, libCLI)
		if x == nil || x.WallSeconds <= 0 || x.PeakRSSBytes <= 0 || x.MBPerSecond <= 0 {
			t.Errorf("%s: %+v", name, x)
		}
	}
	if s := r.Sets["rotated-10"]; longtest.Enabled() && (s.Files != 10 || s.Events == 0) {
		t.Errorf("the rotated set: %+v, want 10 files", s)
	}
	if !strings.Contains(out, "grouped (cli) at 1000: wall <= 2x by-user's") {
		t.Errorf("no target for the grouped view:\n%s", out)
	}
	for _, c := range r.Answers {
		if c.Library != libCLI || !c.Equal {
			t.Errorf("answer %s (%s): equal %v, %v", c.Question, c.Library, c.Equal, c.Diffs)
		}
	}
}

func TestRunUnknownCase(t *testing.T) {
	var out, log bytes.Buffer
	err := run(options{sizes: []int{10}, workers: 1, count: 1, cases: []string{"by-usr"}}, &out, &log)
	if err == nil || !strings.Contains(err.Error(), "by-usr") {
		t.Errorf("run with an unknown case: %v", err)
	}
}
