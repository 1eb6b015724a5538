package auditlog

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/klauspost/compress/gzip"
)

// testEvent is a small, valid audit event line with the given auditID.
func testEvent(id string) string {
	return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"` + id +
		`","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns/pods?limit=500\u0026resourceVersion=0","verb":"list",` +
		`"user":{"username":"system:admin","groups":["system:masters"]},"sourceIPs":["10.0.0.1"],"userAgent":"oc/4.12",` +
		`"objectRef":{"resource":"pods","namespace":"ns","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},` +
		`"requestReceivedTimestamp":"2022-02-07T22:15:16.123456Z","stageTimestamp":"2022-02-07T22:15:16.125456Z"}`
}

// readAll reads the sources sequentially and returns "file:line:auditID"
// for every entry, and the report.
func readEntries(t *testing.T, opts Options, sources ...Source) ([]string, *Report) {
	t.Helper()
	r := NewReader(sources, opts)
	var got []string
	for e := range r.All() {
		got = append(got, fmt.Sprintf("%s:%d:%s", filepath.Base(e.Source.Path), e.Line, e.Event.AuditID))
	}
	return got, r.Report()
}

func writeSource(t *testing.T, dir, name string, data []byte) Source {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return Source{Path: p, Size: int64(len(data)), Node: nodeFromName(name)}
}

func gzipOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadFraming(t *testing.T) {
	dir := t.TempDir()
	huge := `{"kind":"Event","auditID":"huge","requestObject":{"data":"` + strings.Repeat("x", 5<<20) + `"}}`
	lines := []string{
		testEvent("a1"),               // 1
		"",                            // 2 blank
		testEvent("a3") + "\r",        // 3 CRLF
		"master-0 " + testEvent("a4"), // 4 host prefix
		"2022-02-07T22:15:16Z\tkube.audit\t" + testEvent("a5"), // 5 fluentd
		"this is not json", // 6
		`{"kind":"Event","auditID":"a7","userAgent":"bad ` + "\xff" + `"}`, // 7 invalid UTF-8 is kept, as encoding/json keeps it
		huge, // 8 a 5 MiB line
		`{"protoPayload":{"methodName":"io.k8s.core.v1.pods.get"}}`,                                               // 9 not an event
		`{"kind":"EventList","items":[` + testEvent("a10a") + `,` + testEvent("a10b") + `]}`,                      // 10
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","auditID":"a11","timestamp":"2017-09-11T10:00:00Z"}`, // 11
		`{"kind":"Event","auditID":"a12","verb":"ge`,                                                              // 12 cut off, no newline
	}
	src := writeSource(t, dir, "master-1-audit.log", []byte(strings.Join(lines, "\n")))

	got, rep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, src)
	want := []string{"master-1-audit.log:1:a1", "master-1-audit.log:3:a3", "master-1-audit.log:4:a4", "master-1-audit.log:5:a5",
		"master-1-audit.log:7:a7", "master-1-audit.log:8:huge", "master-1-audit.log:10:a10a", "master-1-audit.log:10:a10b",
		"master-1-audit.log:11:a11"}
	if !slices.Equal(got, want) {
		t.Errorf("entries:\n got %q\nwant %q", got, want)
	}
	wantProblems := map[Problem][]int64{BadJSON: {6}, NotEvent: {9}, Truncated: {12}}
	checkProblems(t, rep, wantProblems)
	if rep.Lines != 12 || rep.Events != 9 || rep.Files != 1 || rep.Bytes != int64(len(strings.Join(lines, "\n"))) {
		t.Errorf("report: lines %d events %d files %d bytes %d", rep.Lines, rep.Events, rep.Files, rep.Bytes)
	}

	// With a 1 KiB limit a line of 2 KiB, shorter than a block, is skipped
	// too.
	long := []byte(testEvent("x") + "\n" + `{"kind":"Event","auditID":"long","userAgent":"` + strings.Repeat("u", 2048) + `"}` + "\n" + testEvent("y") + "\n")
	got, rep = readEntries(t, Options{EveryStage: true, EveryCopy: true, MaxLineBytes: 1 << 10}, writeSource(t, dir, "long-audit.log", long))
	if want := []string{"long-audit.log:1:x", "long-audit.log:3:y"}; !slices.Equal(got, want) || rep.Problems[TooLong].Count != 1 || rep.Problems[TooLong].Samples[0].Line != 2 {
		t.Errorf("with a 1 KiB limit: %q, too long: %+v", got, rep.Problems[TooLong])
	}

	// With a 1 MiB limit the huge line is skipped, and reading goes on.
	got, rep = readEntries(t, Options{EveryStage: true, EveryCopy: true, MaxLineBytes: 1 << 20}, src)
	if slices.Contains(got, "master-1-audit.log:8:huge") || !slices.Contains(got, "master-1-audit.log:11:a11") {
		t.Errorf("with a 1 MiB limit: %q", got)
	}
	wantProblems[TooLong] = []int64{8}
	checkProblems(t, rep, wantProblems)
}

func checkProblems(t *testing.T, rep *Report, want map[Problem][]int64) {
	t.Helper()
	for _, p := range Problems() {
		if p == SkippedFile {
			continue
		}
		var lines []int64
		for _, s := range rep.Problems[p].Samples {
			lines = append(lines, s.Line)
		}
		if rep.Problems[p].Count != int64(len(want[p])) || !slices.Equal(lines, want[p]) {
			t.Errorf("%v: count %d, sample lines %v; want lines %v", p, rep.Problems[p].Count, lines, want[p])
		}
	}
}

func TestReadEntryDetails(t *testing.T) {
	dir := t.TempDir()
	src := writeSource(t, dir, "ci-ln-abc-master-0-audit.log", []byte(
		"master-2 "+testEvent("a1")+"\n"+
			`{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","auditID":"old","timestamp":"2017-09-11T10:00:00Z"}`+"\n"))
	r := NewReader([]Source{src}, Options{EveryStage: true, EveryCopy: true})
	var nodes, times []string
	for e := range r.All() {
		nodes = append(nodes, e.Node)
		times = append(times, e.Event.RequestReceivedTimestamp.UTC().Format("2006-01-02T15:04:05.000000Z"))
		if e.Event.AuditID == "a1" {
			if rq := e.Request(); rq.Resource != "pods" || rq.Namespace != "ns" {
				t.Errorf("request %+v", rq)
			}
			if v, _ := e.Request().QueryValue("resourceVersion"); v != "0" {
				t.Errorf("resourceVersion = %q", v)
			}
		}
	}
	if want := []string{"master-2", "ci-ln-abc-master-0"}; !slices.Equal(nodes, want) {
		t.Errorf("nodes %q, want %q", nodes, want)
	}
	if want := []string{"2022-02-07T22:15:16.123456Z", "2017-09-11T10:00:00.000000Z"}; !slices.Equal(times, want) {
		t.Errorf("times %q, want %q (v1beta1 timestamp fallback)", times, want)
	}
}

func TestReadTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	var plain bytes.Buffer
	for i := range 2000 {
		plain.WriteString(testEvent(fmt.Sprintf("e%04d", i)) + "\n")
	}
	gz := gzipOf(t, plain.Bytes())
	cut := gz[:len(gz)/2]
	src := writeSource(t, dir, "node-audit-2022-02-07T22-15-16.123.log.gz", cut)
	whole := writeSource(t, dir, "node-audit.log.gz", gz)

	got, rep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, src, whole)
	if rep.Problems[Decompress].Count != 1 {
		t.Fatalf("decompression errors: %+v", rep.Problems[Decompress])
	}
	s := rep.Problems[Decompress].Samples[0]
	if s.File != src.Path || s.Offset <= 0 || s.Offset > int64(len(cut)) {
		t.Errorf("decompression sample %+v", s)
	}
	fromCut := 0
	for i, g := range got {
		if strings.HasPrefix(g, filepath.Base(src.Path)) {
			if want := fmt.Sprintf("%s:%d:e%04d", filepath.Base(src.Path), i+1, i); g != want {
				t.Fatalf("entry %d = %q, want %q", i, g, want)
			}
			fromCut++
		}
	}
	if fromCut < 500 || fromCut >= 2000 {
		t.Errorf("%d events before the cut", fromCut)
	}
	if len(got)-fromCut != 2000 {
		t.Errorf("the whole file after the cut one gave %d events", len(got)-fromCut)
	}
	// The partial line at the cut is counted as truncated, at its line.
	if tr := rep.Problems[Truncated]; tr.Count > 1 || (tr.Count == 1 && tr.Samples[0].Line != int64(fromCut+1)) {
		t.Errorf("truncated: %+v (events before cut %d)", tr, fromCut)
	}
}

// TestScanMatchesAll reads the corpus and files large enough to be cut into
// several blocks with 1, 2 and 8 workers: every worker count gives the same
// multiset of entries and the same report as the sequential iterator.
func TestScanMatchesAll(t *testing.T) {
	dir := t.TempDir()
	var big bytes.Buffer
	for i := range 12000 {
		if i%997 == 0 {
			big.WriteString("garbage line\n")
		}
		big.WriteString(testEvent(fmt.Sprintf("b%05d", i)) + "\n")
	}
	sources, err := Find("../testdata/corpus", writeSource(t, dir, "big-audit.log", big.Bytes()).Path,
		writeSource(t, dir, "big-audit-2022-02-07T22-15-16.123.log.gz", gzipOf(t, big.Bytes())).Path)
	if err != nil {
		t.Fatal(err)
	}
	want, wantRep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, sources...)
	slices.Sort(want)
	for _, workers := range []int{1, 2, 8} {
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
		collected := make([][]string, workers)
		sinks := make([]Sink, workers)
		for i := range sinks {
			sinks[i] = SinkFunc(func(e *Entry) {
				collected[i] = append(collected[i], fmt.Sprintf("%s:%d:%s", filepath.Base(e.Source.Path), e.Line, e.Event.AuditID))
			})
		}
		if err := r.scan(context.Background(), sinks); err != nil {
			t.Fatal(err)
		}
		got := slices.Concat(collected...)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%d workers: %d entries differ from the sequential %d", workers, len(got), len(want))
		}
		gotRep := r.Report()
		if gotRep.Events != wantRep.Events || gotRep.Lines != wantRep.Lines || gotRep.Bytes != wantRep.Bytes ||
			gotRep.CompressedBytes != wantRep.CompressedBytes || !reflect.DeepEqual(gotRep.Problems, wantRep.Problems) {
			t.Errorf("%d workers: report %+v, want %+v", workers, gotRep, wantRep)
		}
	}
	// 13 garbage lines in each big file; the corpus's fal_01_003.json,
	// {"kind": 0}, is valid JSON with a kind of the wrong type: repaired,
	// it has neither auditID nor kind, so it is not an event. (The
	// corpus's GKE and AKS records are events, unwrapped.)
	if wantRep.Problems[BadJSON].Count != 26 || wantRep.Problems[NotEvent].Count != 1 {
		t.Errorf("bad JSON lines: %d, want 26; not events: %d, want 1 (fal_01_003.json)", wantRep.Problems[BadJSON].Count, wantRep.Problems[NotEvent].Count)
	}
}

func TestScanCancel(t *testing.T) {
	sources, err := Find("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = NewReader(sources, Options{EveryStage: true, EveryCopy: true}).scan(ctx, []Sink{SinkFunc(func(*Entry) {})})
	if err != context.Canceled {
		t.Errorf("Scan with a cancelled context: %v", err)
	}
}

// TestProgress checks that Progress is told of every byte read from files,
// from every worker.
func TestProgress(t *testing.T) {
	sources, err := Find("../testdata/must-gather")
	if err != nil {
		t.Fatal(err)
	}
	var told atomic.Int64
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, Progress: func(n int64) { told.Add(n) }})
	sinks := []Sink{SinkFunc(func(*Entry) {}), SinkFunc(func(*Entry) {})}
	if err := r.scan(context.Background(), sinks); err != nil {
		t.Fatal(err)
	}
	var size int64
	for _, s := range sources {
		if s.Skip == "" {
			size += s.Size
		}
	}
	if got := told.Load(); got != size || got != r.Report().CompressedBytes {
		t.Errorf("progress told of %d bytes; files hold %d, report says %d", got, size, r.Report().CompressedBytes)
	}
}

// TestClone checks that a clone equals its entry and shares no string
// memory with the input blocks.
func TestClone(t *testing.T) {
	sources, err := Find("../testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for e := range NewReader(sources, Options{EveryStage: true, EveryCopy: true}).All() {
		c := e.Clone()
		if !reflect.DeepEqual(c.Event, e.Event) || c.Line != e.Line || c.Source != e.Source || c.Node != e.Node {
			t.Fatalf("%s:%d: clone differs", e.Source.Path, e.Line)
		}
		if e.Event.RequestURI != "" && unsafe.StringData(c.Event.RequestURI) == unsafe.StringData(e.Event.RequestURI) {
			t.Fatalf("%s:%d: clone shares the request URI's memory", e.Source.Path, e.Line)
		}
		if e.Event.User.Username != "" && unsafe.StringData(c.Event.User.Username) == unsafe.StringData(e.Event.User.Username) {
			t.Fatalf("%s:%d: clone shares the user name's memory", e.Source.Path, e.Line)
		}
		n++
	}
	if n < 800 {
		t.Errorf("%d entries", n)
	}
}

// TestSamples: a report keeps the first MaxSamples samples of each kind,
// or, asked for AllSamples, every one, in file and line order, whatever
// the read path.
func TestSamples(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString(testEvent(fmt.Sprint(i)) + "\nnot json\n")
	}
	dir := t.TempDir()
	sources := []Source{writeSource(t, dir, "a-audit.log", []byte(b.String())), writeSource(t, dir, "b-audit.log", []byte(b.String()))}
	for _, keep := range []int{0, AllSamples} {
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, Samples: keep})
		want := MaxSamples
		if keep == AllSamples {
			want = 80
		}
		check := func(path string) {
			t.Helper()
			got := r.Report().Problems[BadJSON]
			if got.Count != 80 || len(got.Samples) != want {
				t.Fatalf("%s, keep %d: %d bad lines, %d samples; want 80, %d", path, keep, got.Count, len(got.Samples), want)
			}
			for i, s := range got.Samples {
				if file, line := sources[i/40].Path, int64(2*(i%40)+2); s.File != file || s.Line != line {
					t.Fatalf("%s, keep %d: sample %d is %s:%d, want %s:%d", path, keep, i, s.File, s.Line, file, line)
				}
			}
		}
		for range r.All() {
		}
		check("All")
		sinks := []Sink{SinkFunc(func(*Entry) {}), SinkFunc(func(*Entry) {}), SinkFunc(func(*Entry) {})}
		if err := r.scan(context.Background(), sinks); err != nil {
			t.Fatal(err)
		}
		check("Scan")
		for range r.Sorted(0) {
		}
		check("Sorted")
	}
}

// TestUnreadableNamedOnce: a file that cannot be opened or read is
// reported with its path once, and the cause.
func TestUnreadableNamedOnce(t *testing.T) {
	dir := t.TempDir()
	sources := []Source{{Path: filepath.Join(dir, "gone-audit.log")}, {Path: dir}}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	for range r.All() {
	}
	got := r.Report().Problems[Unreadable]
	if got.Count != 2 {
		t.Fatalf("%d unreadable files, want 2: %v", got.Count, got.Samples)
	}
	for i, want := range []string{"no such file or directory", "is a directory"} {
		s := got.Samples[i].String()
		if strings.Count(s, sources[i].Path) != 1 || !strings.HasSuffix(s, want) {
			t.Errorf("sample %q: want the path once, then %q", s, want)
		}
	}
}
