package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

var update = flag.Bool("update", false, "rewrite the golden files of the shapes test")

// describe reads the sources with All and describes every entry and the
// report, one line each, for a golden file.
func describe(t *testing.T, opts Options, sources ...Source) string {
	t.Helper()
	r := NewReader(sources, opts)
	var b strings.Builder
	for e := range r.All() {
		ev := e.Event
		code := int32(0)
		if ev.ResponseStatus != nil {
			code = ev.ResponseStatus.Code
		}
		lat := "?"
		if d, ok := e.Latency(); ok {
			lat = d.String()
		}
		fmt.Fprintf(&b, "%s:%d node=%q %s %s %s %d %s user=%q %s\n", filepath.Base(e.Source.Path), e.Line, e.Node,
			ev.AuditID, ev.Stage, ev.Verb, code, ev.RequestURI, ev.User.Username,
			ev.RequestReceivedTimestamp.UTC().Format("2006-01-02T15:04:05.000000Z")+" "+lat)
	}
	rep := r.Report()
	fmt.Fprintf(&b, "report: %d files, %d lines, %d events\n", rep.Files, rep.Lines, rep.Events)
	for _, f := range rep.ByFile {
		fmt.Fprintf(&b, "  %s (%s%s): %s\n", filepath.Base(f.Path), f.Format, strings.Join(append([]string{""}, f.Notes...), "; "), f.String())
	}
	for _, p := range Problems() {
		for _, s := range rep.Problems[p].Samples {
			s.File = filepath.Base(s.File)
			fmt.Fprintf(&b, "  %s: %s\n", p, s)
		}
	}
	return b.String()
}

// TestShapes reads each file of testdata/shapes, every shape of audit
// log the reader knows, whole and cut off, against golden descriptions.
func TestShapes(t *testing.T) {
	files := shapeFiles()
	if len(files) < 20 {
		t.Fatalf("testdata/shapes: %d files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			got := describe(t, Options{EveryStage: true, EveryCopy: true}, Source{Path: f})
			golden := filepath.Join("testdata", "shapes", "golden", filepath.Base(f)+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestShapesEveryPath: on every file of testdata/shapes, Scan with 1 and 3
// workers and Sorted yield the events All does, with the same report.
func TestShapesEveryPath(t *testing.T) {
	files := shapeFiles()
	var sources []Source
	for _, f := range files {
		sources = append(sources, Source{Path: f})
	}
	want, wantRep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, sources...)
	slices.Sort(want)
	if len(want) < 60 {
		t.Fatalf("%d events in testdata/shapes", len(want))
	}
	for _, workers := range []int{1, 3} {
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
		got := make([][]string, workers)
		sinks := make([]Sink, workers)
		for i := range sinks {
			sinks[i] = SinkFunc(func(e *Entry) {
				got[i] = append(got[i], fmt.Sprintf("%s:%d:%s", filepath.Base(e.Source.Path), e.Line, e.Event.AuditID))
			})
		}
		if err := r.scan(context.Background(), sinks); err != nil {
			t.Fatal(err)
		}
		all := slices.Concat(got...)
		slices.Sort(all)
		if !slices.Equal(all, want) {
			t.Errorf("Scan with %d workers: %d events, All %d", workers, len(all), len(want))
		}
		sameReport(t, fmt.Sprintf("Scan with %d workers", workers), r.Report(), wantRep)
	}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	var sorted []string
	for e := range r.Sorted(0) {
		sorted = append(sorted, fmt.Sprintf("%s:%d:%s", filepath.Base(e.Source.Path), e.Line, e.Event.AuditID))
	}
	slices.Sort(sorted)
	if !slices.Equal(sorted, want) {
		t.Errorf("Sorted: %d events, All %d", len(sorted), len(want))
	}
	sameReport(t, "Sorted", r.Report(), wantRep)
}

// sameReport checks that two reports of the same input agree.
func sameReport(t *testing.T, what string, got, want *Report) {
	t.Helper()
	if got.Events != want.Events || got.Lines != want.Lines || got.Bytes != want.Bytes || got.Files != want.Files ||
		!reflect.DeepEqual(got.Problems, want.Problems) || !reflect.DeepEqual(got.ByFile, want.ByFile) {
		t.Errorf("%s: report\n%+v\nwant\n%+v", what, got, want)
	}
}

// longExport is an AKS export of n records on one line, without a final
// newline, each event a JSON string in properties.log.
func longExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"records":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		ev, _ := json.Marshal(testEvent(fmt.Sprintf("r%06d", i)))
		fmt.Fprintf(&b, `{"category":"kube-audit","properties":{"log":%s,"pod":"kube-apiserver-0"},"time":"2022-02-07T22:15:16Z"}`, ev)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// TestLongOneLineExport: an export on one line longer than the longest
// line read is streamed record by record, in every path; only a record
// longer than the limit is skipped, as too long.
func TestLongOneLineExport(t *testing.T) {
	dir := t.TempDir()
	data := longExport(3000)
	huge := bytes.Replace(data, []byte(`"pod":"kube-apiserver-0"},"time"`), []byte(`"pod":"`+strings.Repeat("p", 4096)+`"},"time"`), 1)
	src := writeSource(t, dir, "aks.json", huge)
	gz := writeSource(t, dir, "aks.json.gz", gzipOf(t, huge))
	opts := Options{EveryStage: true, EveryCopy: true, MaxLineBytes: 2048}
	if len(huge) < 500*opts.MaxLineBytes {
		t.Fatalf("the export is only %d bytes", len(huge))
	}
	got, rep := readEntries(t, opts, src, gz)
	if len(got) != 2*2999 || got[0] != "aks.json:1:r000001" || got[2998] != "aks.json:1:r002999" {
		t.Errorf("%d entries, first %q", len(got), got[:2])
	}
	if tl := rep.Problems[TooLong]; tl.Count != 2 || tl.Samples[0].Line != 1 || !strings.HasPrefix(tl.Samples[0].Detail, "records[0]: ") {
		t.Errorf("too long: %+v", tl)
	}
	if rep.Lines != 2 || rep.ByFile[0].Events[ShapeAKS] != 2999 {
		t.Errorf("report: %d lines, by file %+v", rep.Lines, rep.ByFile)
	}
}

// TestDocumentWindow: a docReader's window stays the size of a chunk and
// the longest value, however long the document's line.
func TestDocumentWindow(t *testing.T) {
	dir := t.TempDir()
	src := writeSource(t, dir, "aks.json", longExport(20000)) // 12 MB on one line
	f, err := Open(&src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep := &Report{}
	sp := &splitter{src: &src, maxLine: 1 << 12, rep: rep}
	d := &docReader{sp: sp, f: f, emit: func(*block) bool { return true }, buf: make([]byte, 0, blockSize), keep: -1, line: 1}
	d.run()
	if c := cap(d.buf); c > blockSize+docChunk {
		t.Errorf("the window grew to %d bytes", c)
	}
	if rep.Problems[Truncated].Count+rep.Problems[TooLong].Count+rep.Problems[BadJSON].Count != 0 || d.base+int64(d.pos) != src.Size {
		t.Errorf("read %d of %d bytes, problems %+v", d.base+int64(d.pos), src.Size, rep.Problems)
	}
}

// TestStdin reads standard input, gzipped, with oc adm node-logs' host
// names, and after SpoolStdin, twice.
func TestStdin(t *testing.T) {
	data, err := os.ReadFile("testdata/shapes/node-logs.log")
	if err != nil {
		t.Fatal(err)
	}
	old := stdin
	defer func() { stdin = old }()
	in := bytes.NewReader(gzipOf(t, data))
	stdin = func() io.Reader { return in }
	sources, err := Find(Stdin, Stdin)
	if err != nil || len(sources) != 1 {
		t.Fatalf("Find(-, -) = %+v, %v", sources, err)
	}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	var nodes []string
	for e := range r.All() {
		nodes = append(nodes, e.Node)
	}
	if want := []string{"master-0", "master-1", "master-0", "master-1"}; !slices.Equal(nodes, want) {
		t.Errorf("nodes %q, want %q", nodes, want)
	}
	if f := r.Report().ByFile; len(f) != 1 || f[0].Path != "-" || f[0].Format != FormatGzip {
		t.Errorf("report %+v", f)
	}

	in = bytes.NewReader(data)
	remove, err := SpoolStdin(sources, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	for range 2 {
		got, rep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, sources...)
		if len(got) != 4 || got[0] != "-:1:6f0d5c1e-1a52-4c8e-9d0e-0b8f7c3a2d11" || rep.ByFile[0].Path != "-" {
			t.Errorf("after spooling: %q", got)
		}
	}
}

// TestNoEvents: a report of input with no event says why, file by file.
func TestNoEvents(t *testing.T) {
	dir := t.TempDir()
	sources := []Source{
		writeSource(t, dir, "notes.log", []byte("just some text\nand more\n")),
		writeSource(t, dir, "empty.log", nil),
		{Path: "testdata/shapes/not-gzip.log.gz"},
		writeSource(t, dir, "config.json", []byte(`{"apiVersion":"v1","kind":"ConfigMap"}`)),
		{Path: filepath.Join(dir, "missing.log")},
	}
	_, rep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, sources...)
	err := rep.Err()
	var ne *NoEventsError
	if !errors.As(err, &ne) || len(ne.Files) != 5 {
		t.Fatalf("Err() = %v", err)
	}
	if want := "no audit events in 5 files: 2 not audit logs, 1 empty, 1 not gzip, 1 unreadable"; err.Error() != want {
		t.Errorf("Err() = %q, want %q", err, want)
	}
	one := &NoEventsError{Files: ne.Files[:1]}
	if want := "no audit events in " + sources[0].Path + ": not an audit log (2 lines of bad JSON)"; one.Error() != want {
		t.Errorf("one file: %q, want %q", one.Error(), want)
	}
	_, rep = readEntries(t, Options{EveryStage: true, EveryCopy: true}, Source{Path: "testdata/shapes/aks-export.json"})
	if err := rep.Err(); err != nil {
		t.Errorf("Err() with events: %v", err)
	}
}

// shapeFiles lists the files of testdata/shapes but its README.
func shapeFiles() []string {
	files, _ := filepath.Glob("testdata/shapes/*.*")
	return slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".md") })
}

// TestUTF16Reader decodes UTF-16 of both byte orders, read in pieces of
// every size, with surrogate pairs, a lone surrogate and an odd last byte.
func TestUTF16Reader(t *testing.T) {
	text := "{\"user\":\"Zoë 😀\"}\r\n"
	for _, big := range []bool{false, true} {
		var enc []byte
		bom := utf16LE
		if big {
			bom = utf16BE
		}
		enc = append(enc, bom...)
		for _, r := range text {
			for _, c := range utf16.Encode([]rune{r}) {
				if big {
					enc = append(enc, byte(c>>8), byte(c))
				} else {
					enc = append(enc, byte(c), byte(c>>8))
				}
			}
		}
		for _, piece := range []int{1, 2, 3, 5, 64} {
			got, err := io.ReadAll(newUTF16Reader(iotest.OneByteReader(&pieceReader{data: enc, n: piece}), big))
			if err != nil || string(got) != text {
				t.Errorf("big endian %v, pieces of %d: %q, %v", big, piece, got, err)
			}
		}
	}
	// A lone low surrogate and an odd last byte become U+FFFD.
	got, _ := io.ReadAll(newUTF16Reader(bytes.NewReader([]byte{0xff, 0xfe, 'a', 0, 0x00, 0xdc, 'b', 0, 'c'}), false))
	if string(got) != "a\ufffdb\ufffd" {
		t.Errorf("bad UTF-16: %q", got)
	}
}

// pieceReader reads data n bytes at a time.
type pieceReader struct {
	data []byte
	n    int
}

func (p *pieceReader) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(len(b), p.n)], p.data)
	p.data = p.data[n:]
	return n, nil
}

// TestFirstLineCut: a JSON-lines log whose first event was cut (rotated or
// cut mid-line) is read line by line: every other event is read.
func TestFirstLineCut(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"kind":"Event","auditID":"cut","verb":"ge` + "\n")
	for i := range 100 {
		b.WriteString(testEvent(fmt.Sprintf("e%03d", i)) + "\n")
	}
	got, rep := readEntries(t, Options{EveryStage: true, EveryCopy: true}, writeSource(t, t.TempDir(), "audit.log", []byte(b.String())))
	if len(got) != 100 || rep.Problems[BadJSON].Count != 1 || rep.Problems[BadJSON].Samples[0].Line != 1 {
		t.Errorf("%d events, bad JSON %+v", len(got), rep.Problems[BadJSON])
	}
}
