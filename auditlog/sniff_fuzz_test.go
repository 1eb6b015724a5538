package auditlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
		r := NewReader(sources, Options{MaxLineBytes: 1 << 10})
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
		if err := r.Scan(context.Background(), []Sink{SinkFunc(func(*Entry) { scanned++ })}); err != nil {
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
