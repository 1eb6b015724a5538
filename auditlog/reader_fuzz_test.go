package auditlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader as a file, plain and
// gzipped: it must not panic, every line must be counted, and every line
// must be an event, a reported problem, blank, or part of an EventList.
func FuzzRead(f *testing.F) {
	f.Add([]byte(testEvent("a") + "\n" + testEvent("b")))
	f.Add([]byte("master-0 " + testEvent("a") + "\r\n\n{\"kind\":\"EventList\",\"items\":[" + testEvent("x") + "]}\n{"))
	f.Add([]byte("2022-02-07T22:15:16Z\tkube.audit\t" + testEvent("c") + "\nnot json\n{\"kind\": 0}"))
	cri, _ := criLog(3, 40)
	f.Add([]byte(cri))
	f.Add([]byte(cri[:len(cri)/2]))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		plain := filepath.Join(dir, "node-audit.log")
		if err := os.WriteFile(plain, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sources := []Source{{Path: plain, Size: int64(len(data))}}
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, MaxLineBytes: 1 << 10})
		n := 0
		for e := range r.All() {
			if e.Event.AuditID == "" && e.Event.Kind != "Event" {
				t.Fatalf("line %d: an entry that is not an event: %+v", e.Line, e.Event)
			}
			n++
		}
		rep := r.Report()
		if rep.Events != int64(n) {
			t.Fatalf("report counts %d events, %d were yielded", rep.Events, n)
		}
		// Lines and bytes are those of the text read: of compressed input,
		// of UTF-16 input once made UTF-8, they are not the file's.
		utf16 := bytes.HasPrefix(data, utf16BE) || bytes.HasPrefix(data, utf16LE)
		if rep.Problems[Decompress].Count == 0 && rep.Problems[Unreadable].Count == 0 && !isCompressed(data) && !utf16 {
			lines := int64(bytes.Count(data, []byte("\n")))
			if len(data) > 0 && data[len(data)-1] != '\n' {
				lines++
			}
			if rep.Lines != lines || rep.Bytes != int64(len(data)) {
				t.Fatalf("report counts %d lines and %d bytes; the input has %d and %d", rep.Lines, rep.Bytes, lines, len(data))
			}
		}
		// The parallel and sorted paths read the same.
		events := int64(0)
		if err := r.scan(context.Background(), []Sink{SinkFunc(func(*Entry) { events++ })}); err != nil {
			t.Fatal(err)
		}
		sorted := int64(0)
		for range r.Sorted(0) {
			sorted++
		}
		if events != int64(n) || sorted != int64(n) {
			t.Fatalf("All read %d events, Scan %d, Sorted %d", n, events, sorted)
		}
	})
}

func isCompressed(data []byte) bool {
	return bytes.HasPrefix(data, gzipMagic) || bytes.HasPrefix(data, zstdMagic)
}
