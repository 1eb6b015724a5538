package auditlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSniff feeds arbitrary bytes to the reader as files named .json and
// .log.gz, so that every layout (lines, JSON documents, a name that lies)
// is tried: reading must not panic, every entry must be an event, All,
// Scan and Sorted must agree, and every line and byte must be counted.
func FuzzSniff(f *testing.F) {
	for _, name := range shapeFiles() {
		if data, err := os.ReadFile(name); err == nil && len(data) < 8<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte(`[` + testEvent("a") + `,` + testEvent("b") + `]`))
	f.Add([]byte("{\n\"records\": [{\"properties\":{\"log\":\"{\\\"auditID\\\":\\\"x\\\"}\"}}, 3, ]\n}\n{\"kind\":\"Event\",\"auditID\":\"y\"}"))
	f.Add([]byte("\xef\xbb\xbf{\"items\":[{\"auditID\":\"z\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sniffLayout(data)
		dir := t.TempDir()
		var sources []Source
		for _, name := range []string{"a.json", "b.log.gz"} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			sources = append(sources, Source{Path: p, Size: int64(len(data))})
		}
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, MaxLineBytes: 1 << 10})
		n := int64(0)
		for e := range r.All() {
			if e.Event.AuditID == "" && e.Event.Kind != "Event" {
				t.Fatalf("line %d: an entry that is not an event: %+v", e.Line, e.Event)
			}
			n++
		}
		rep := *r.Report()
		if rep.Events != n {
			t.Fatalf("report counts %d events, %d were yielded", rep.Events, n)
		}
		var byFile int64
		for i := range rep.ByFile {
			byFile += rep.ByFile[i].EventCount()
		}
		if byFile != n {
			t.Fatalf("the files' reports count %d events, %d were yielded", byFile, n)
		}
		utf16 := bytes.HasPrefix(data, utf16LE) || bytes.HasPrefix(data, utf16BE)
		if !isCompressed(data) && !utf16 { // (UTF-16 is counted as the UTF-8 read)
			lines := int64(bytes.Count(data, []byte("\n")))
			if len(data) > 0 && data[len(data)-1] != '\n' {
				lines++
			}
			f := rep.ByFile[0]
			if f.Lines != lines || f.Bytes != int64(len(data)) {
				t.Fatalf("a.json: report counts %d lines and %d bytes; the input has %d and %d", f.Lines, f.Bytes, lines, len(data))
			}
		}
		scanned := int64(0)
		if err := r.scan(context.Background(), []Sink{SinkFunc(func(*Entry) { scanned++ })}); err != nil {
			t.Fatal(err)
		}
		if r.Report().Lines != rep.Lines || r.Report().Events != rep.Events {
			t.Fatalf("Scan's report differs: %+v, All's %+v", r.Report(), rep)
		}
		sorted := int64(0)
		for range r.Sorted(0) {
			sorted++
		}
		if scanned != n || sorted != n {
			t.Fatalf("All read %d events, Scan %d, Sorted %d", n, scanned, sorted)
		}
	})
}

// TestSniffLayout: how the first bytes of a file say to read it.
func TestSniffLayout(t *testing.T) {
	long := `{"kind":"Event","auditID":"x","requestObject":{"data":"` + strings.Repeat("x", 300<<10) + `"}}`
	for _, tc := range []struct {
		name, first string
		want        layout
	}{
		{"empty", "", layoutLines},
		{"blank lines", "\n\n  \n", layoutLines},
		{"JSON lines", testEvent("a") + "\n" + testEvent("b") + "\n", layoutLines},
		{"one event, no newline", testEvent("a"), layoutLines},
		{"CRLF", testEvent("a") + "\r\n", layoutLines},
		{"a record per line", `{"records":[{"properties":{"log":"{}"}}]}` + "\n{}", layoutDocument},
		{"host prefix", "master-0 " + testEvent("a"), layoutLines},
		{"not JSON", "I0207 22:15:16 hello\n{", layoutLines},
		{"byte-order mark", "\xef\xbb\xbf" + testEvent("a") + "\n", layoutLines},
		{"array", " [\n" + testEvent("a"), layoutDocument},
		{"pretty object", "{\n  \"kind\": \"Event\",\n", layoutDocument},
		{"pretty, cut by the buffer", "{\"kind\": \"EventList\",\n\"items\": [" + testEvent("a"), layoutDocument},
		{"objects on one line", testEvent("a") + testEvent("b") + "\n", layoutDocument},
		{"huge one-line export", `{"records":[` + testEvent("a"), layoutDocument},
		{"EventList on its line", `{"kind":"EventList","items":[` + testEvent("a") + "]}\n", layoutDocument},
		{"event longer than the buffer", long[:256<<10], layoutLines},
		{"pretty, content on the first line", "{\"kind\": \"Event\",\n  \"verb\": \"get\"}\n", layoutDocument},
		{"a first event cut, then JSON lines", `{"kind":"Event","auditID":"a","verb":"ge` + "\n" + testEvent("b") + "\n" + testEvent("c") + "\n", layoutLines},
		{"a first line broken", `{"kind":"Event",` + "\n" + testEvent("b"), layoutLines},
	} {
		if got := sniffLayout([]byte(tc.first)); got != tc.want {
			t.Errorf("%s: layout %d, want %d", tc.name, got, tc.want)
		}
	}
}
