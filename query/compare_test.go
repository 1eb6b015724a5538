package query

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// traffic is how many requests a user makes in a capture, and how many of
// them are refused.
type traffic struct {
	user            string
	requests, refus int
}

// writeCapture writes an audit log of one hour from start: each user's
// requests spread evenly, the refused ones answered 403, the others 200,
// each taking 10ms.
func writeCapture(t *testing.T, path string, start time.Time, users []traffic) {
	t.Helper()
	var b bytes.Buffer
	n := 0
	for _, u := range users {
		for i := range u.requests {
			at := start.Add(time.Duration(i) * time.Hour / time.Duration(u.requests))
			code := 200
			if i < u.refus {
				code = 403
			}
			n++
			fmt.Fprintf(&b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"id-%d-%s","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"list","user":{"username":%q},"objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"code":%d},"requestReceivedTimestamp":%q,"stageTimestamp":%q}`+"\n",
				n, filepath.Base(path), u.user, code, at.Format(microTime), at.Add(10*time.Millisecond).Format(microTime))
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// microTime is how an API server writes its timestamps.
const microTime = "2006-01-02T15:04:05.000000Z07:00"

// compareRows runs a comparison and returns its rows as "change key"
// strings, in order, with the result.
func compareRows(t *testing.T, q Query, b Baseline) ([]string, *Result) {
	t.Helper()
	res, err := q.Compare(context.Background(), b, aggregate.CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	rows := res.Document.Part("rows").([]aggregate.KeyChange)
	var got []string
	for _, r := range rows {
		got = append(got, r.Change+" "+r.Key)
	}
	return got, res
}

var (
	hour0 = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	// before and after are a healthy hour and one where alice triples,
	// bob's refusals jump at equal volume and dave appears.
	before = []traffic{{"alice", 300, 0}, {"bob", 300, 0}, {"carol", 600, 0}, {"erin", 120, 0}}
	after  = []traffic{{"alice", 900, 0}, {"bob", 300, 150}, {"carol", 600, 0}, {"dave", 240, 0}}
)

// TestCompareKnownChanges: a user whose rate triples is grown x3, a user
// whose refusals jump at equal volume is listed for its errors, a new user
// is new and a user who stopped is gone, in that order of groups; the
// steady user is not listed.
func TestCompareKnownChanges(t *testing.T) {
	dir := t.TempDir()
	writeCapture(t, filepath.Join(dir, "base", "audit.log"), hour0, before)
	writeCapture(t, filepath.Join(dir, "subject", "audit.log"), hour0.Add(24*time.Hour), after)
	got, res := compareRows(t, New(filepath.Join(dir, "subject")), Baseline{Paths: []string{filepath.Join(dir, "base")}})
	want := []string{"grown alice", "new dave", "errors bob", "gone erin"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("rows %v, want %v", got, want)
	}
	rows := res.Document.Part("rows").([]aggregate.KeyChange)
	if r := rows[0]; r.Ratio < 2.9 || r.Ratio > 3.1 || r.Delta < 590 || r.Delta > 610 {
		t.Errorf("alice: ratio %.2f, delta %.0f/h; want x3, +600/h", r.Ratio, r.Delta)
	}
	if r := rows[2]; r.Subject.ErrorShare != 0.5 || r.Baseline.ErrorShare != 0 {
		t.Errorf("bob: error share %.2f -> %.2f, want 0 -> 0.5", r.Baseline.ErrorShare, r.Subject.ErrorShare)
	}
	// The text says it, in the same order.
	var text bytes.Buffer
	if err := res.Write(&text); err != nil {
		t.Fatal(err)
	}
	if i, j := strings.Index(text.String(), "alice"), strings.Index(text.String(), "bob"); i < 0 || j < i || !strings.Contains(text.String(), "x3") {
		t.Errorf("text:\n%s", text.String())
	}
	// JSON: rows[] in the text's order, with the change and both rates.
	q := New(filepath.Join(dir, "subject"))
	q.Format = "json"
	res, err := q.Compare(context.Background(), Baseline{Paths: []string{filepath.Join(dir, "base")}}, aggregate.CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := res.Write(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		View string `json:"view"`
		Rows []struct {
			Key      string                    `json:"key"`
			Change   string                    `json:"change"`
			Baseline struct{ PerHour float64 } `json:"baseline"`
			Subject  struct{ PerHour float64 } `json:"subject"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.View != "compare" || len(doc.Rows) != 4 || doc.Rows[0].Key != "alice" || doc.Rows[0].Change != "grown" || doc.Rows[0].Subject.PerHour < 890 {
		t.Errorf("JSON document: %s", js.Bytes())
	}
}

// TestCompareWindows: two windows of one capture give the answer two
// captures give.
func TestCompareWindows(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "one", "audit.log")
	writeCapture(t, log, hour0, before)
	writeCapture(t, log, hour0.Add(2*time.Hour), after)
	q := New(log)
	q.Filters.Since = hour0.Add(2 * time.Hour).Format(time.RFC3339)
	got, _ := compareRows(t, q, Baseline{Until: hour0.Add(time.Hour).Format(time.RFC3339)})
	if want := "grown alice, new dave, errors bob, gone erin"; strings.Join(got, ", ") != want {
		t.Errorf("windows: %v, want %s", got, want)
	}
}

// TestCompareSteady: two captures of one steady cluster at different
// lengths (the generator's, with no planted culprit) list nothing, by
// user and by resource: the rates are per hour of each span.
func TestCompareSteady(t *testing.T) {
	dir := t.TempDir()
	long, short := filepath.Join(dir, "long"), filepath.Join(dir, "short")
	if _, err := mustgather.Generate(long, mustgather.Config{Seed: 1, Events: 8000, Duration: 2 * time.Hour, Scenarios: 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := mustgather.Generate(short, mustgather.Config{Seed: 1, Events: 4000, Duration: time.Hour, Start: time.Date(2022, 2, 9, 10, 0, 0, 0, time.UTC), Scenarios: 0}); err != nil {
		t.Fatal(err)
	}
	for _, by := range []string{"user", "resource"} {
		q := New(short)
		q.By = by
		if got, _ := compareRows(t, q, Baseline{Paths: []string{long}}); len(got) != 0 {
			t.Errorf("by %s: %v, want nothing", by, got)
		}
	}
}

// TestComparePlantedCulprit: the generator's capture with and without a
// planted culprit: the culprit is the first row, new; a Parquet export of
// the baseline gives the answer its logs give.
func TestComparePlantedCulprit(t *testing.T) {
	dir := t.TempDir()
	base, subject := filepath.Join(dir, "base"), filepath.Join(dir, "subject")
	if _, err := mustgather.Generate(base, mustgather.Config{Seed: 1, Events: 8000, Scenarios: 0}); err != nil {
		t.Fatal(err)
	}
	truth, err := mustgather.Generate(subject, mustgather.Config{Seed: 1, Events: 8000, Scenarios: mustgather.ScenarioMetrics403})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := compareRows(t, New(subject), Baseline{Paths: []string{base}})
	if len(got) == 0 || got[0] != "new "+truth.Metrics403.Username {
		t.Fatalf("rows %v: want the planted %s new first", got, truth.Metrics403.Username)
	}
	pq := filepath.Join(dir, "export")
	if _, err := New(base).Export(context.Background(), pq, export.Options{}); err != nil {
		t.Fatal(err)
	}
	fromParquet, _ := compareRows(t, New(subject), Baseline{Paths: []string{pq}})
	if strings.Join(fromParquet, ", ") != strings.Join(got, ", ") {
		t.Errorf("Parquet baseline: %v\nlogs: %v", fromParquet, got)
	}
}

// TestCompareOnThePage: -o html with a baseline carries the comparison's
// section, the answer of Compare by user; --baseline with another view is
// a usage error.
func TestCompareOnThePage(t *testing.T) {
	dir := t.TempDir()
	writeCapture(t, filepath.Join(dir, "base", "audit.log"), hour0, before)
	writeCapture(t, filepath.Join(dir, "subject", "audit.log"), hour0.Add(24*time.Hour), after)
	q := New(filepath.Join(dir, "subject"))
	q.Output, q.Baseline = "html", Baseline{Paths: []string{filepath.Join(dir, "base")}}
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.HTML.Compare == nil || len(res.HTML.Compare.Rows) != 4 || res.HTML.Compare.Rows[0].Key != "alice" {
		t.Fatalf("the page's comparison: %+v", res.HTML.Compare)
	}
	var page bytes.Buffer
	if err := res.Write(&page); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), `<h2 id="compare">Against the baseline</h2>`) || !strings.Contains(page.String(), "grown") {
		t.Error("the page has no section against the baseline")
	}
	q.Output = "top"
	q.By = "user"
	if _, err := q.Run(context.Background()); err == nil {
		t.Error("--baseline with -o top: no error")
	}
}

// TestComparePageReadsOnce: -o html --baseline reads each input once (the
// page's own read of the input gives the comparison its side), and its
// section is what Compare by user answers: the same rows and the same
// findings marked, a planted culprit's among them.
func TestComparePageReadsOnce(t *testing.T) {
	base, subject := culpritPair(t, 3000)
	// read runs q and returns its result and the bytes it read, each
	// input counted as often as it was read.
	read := func(q Query, run func(Query) (*Result, error)) (*Result, int64) {
		t.Helper()
		var total int64
		q.Progress = func(n int64) func(int64) { total += n; return nil }
		res, err := run(q)
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		return res, total
	}
	ctx := context.Background()
	runQuery := func(q Query) (*Result, error) { return q.Run(ctx) }
	top := func(path string) Query {
		q := New(path)
		q.Output, q.By = "top", "user"
		return q
	}
	_, baseBytes := read(top(base), runQuery)
	_, subjectBytes := read(top(subject), runQuery)
	page := New(subject)
	page.Output, page.Baseline = "html", Baseline{Paths: []string{base}}
	res, pageBytes := read(page, runQuery)
	if baseBytes == 0 || subjectBytes == 0 || pageBytes != baseBytes+subjectBytes {
		t.Errorf("-o html --baseline read %d bytes; the baseline has %d and the input %d", pageBytes, baseBytes, subjectBytes)
	}
	cmp, _ := read(New(subject), func(q Query) (*Result, error) {
		return q.Compare(ctx, Baseline{Paths: []string{base}}, aggregate.CompareOptions{})
	})
	if res.HTML.Compare == nil || !reflect.DeepEqual(*res.HTML.Compare, *cmp.compared) {
		t.Errorf("the page's comparison differs from compare's:\npage    %+v\ncompare %+v", res.HTML.Compare, cmp.compared)
	}
	if len(cmp.changes) == 0 || cmp.changes[0].Change != "new" || !reflect.DeepEqual(res.HTML.FindingChanges, cmp.changes) {
		t.Errorf("the page's findings marked: %+v\ncompare's: %+v", res.HTML.FindingChanges, cmp.changes)
	}
}

// culpritPair writes two captures of events requests each into a
// temporary folder: a baseline without scenarios (seed 1) and a subject
// with the metrics-403 culprit planted (seed 3), and returns their paths.
func culpritPair(tb testing.TB, events int) (base, subject string) {
	tb.Helper()
	dir := tb.TempDir()
	base, subject = filepath.Join(dir, "base"), filepath.Join(dir, "subject")
	if _, err := mustgather.Generate(base, mustgather.Config{Seed: 1, Events: events, Scenarios: 0}); err != nil {
		tb.Fatal(err)
	}
	if _, err := mustgather.Generate(subject, mustgather.Config{Seed: 3, Events: events, Scenarios: mustgather.ScenarioMetrics403}); err != nil {
		tb.Fatal(err)
	}
	return base, subject
}
