package auditlog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestCRIRecord(t *testing.T) {
	for _, tc := range []struct {
		line    string
		stream  int
		partial bool
		content string
		ok      bool
	}{
		{`2024-05-01T10:00:00.123456789Z stdout F {"a":1}`, criStdout, false, `{"a":1}`, true},
		{`2024-05-01T10:00:00.123456789Z stdout P {"a":`, criStdout, true, `{"a":`, true},
		{`2024-05-01T10:00:00.123456789+02:00 stderr F I0501 klog line`, criStderr, false, `I0501 klog line`, true},
		{`2024-05-01T10:00:00Z stdout P  two spaces kept `, criStdout, true, ` two spaces kept `, true},
		{`2024-05-01T10:00:00Z stdout F`, criStdout, false, ``, true},
		{`2024-05-01T10:00:00Z stdout P:x {`, criStdout, true, `{`, true},
		{`2024-05-01T10:00:00Z stdin F {}`, 0, false, ``, false},
		{`2024-05-01T10:00:00Z stdout X {}`, 0, false, ``, false},
		{`master-0 {"a":1}`, 0, false, ``, false},
		{`{"kind":"Event"}`, 0, false, ``, false},
		{`20240501 stdout F {}`, 0, false, ``, false},
	} {
		stream, partial, content, ok := criRecord([]byte(tc.line))
		if ok != tc.ok || ok && (stream != tc.stream || partial != tc.partial || string(content) != tc.content) {
			t.Errorf("%q: %d %v %q %v, want %d %v %q %v", tc.line, stream, partial, content, ok, tc.stream, tc.partial, tc.content, tc.ok)
		}
	}
}

func TestCRIJoin(t *testing.T) {
	const ts = "2024-05-01T10:00:00.000000000Z"
	rec := func(stream, tag, content string) string { return ts + " " + stream + " " + tag + " " + content + "\n" }
	for _, tc := range []struct {
		name, in, want string
		stderr         int64
	}{
		{"whole records stay, stderr goes",
			rec("stdout", "F", `{"a":1}`) + rec("stderr", "F", "klog"),
			rec("stdout", "F", `{"a":1}`) + "\n", 1},
		{"parts joined at the last",
			rec("stdout", "P", `{"a":`) + rec("stdout", "P", ` "b c `) + rec("stdout", "F", `d"}`),
			"\n\n" + `{"a": "b c d"}` + "\n", 0},
		{"stderr between the parts",
			rec("stdout", "P", `{"a":`) + rec("stderr", "P", "kl") + rec("stderr", "F", "og") + rec("stdout", "F", `1}`),
			"\n\n\n" + `{"a":1}` + "\n", 2},
		{"the input ends in a part",
			rec("stdout", "F", `{}`) + rec("stdout", "P", `{"a":`) + rec("stdout", "P", `1`),
			rec("stdout", "F", `{}`) + "\n" + `{"a":1` + "\n", 0},
		{"the input ends in a stderr record without a newline",
			rec("stdout", "F", `{}`) + strings.TrimSuffix(rec("stderr", "F", "klog"), "\n"),
			rec("stdout", "F", `{}`) + "\n", 1},
		{"the input ends in an empty part without a newline",
			rec("stdout", "F", `{}`) + strings.TrimSuffix(rec("stdout", "P", ""), "\n"),
			rec("stdout", "F", `{}`) + "\n", 0},
		{"not a container log",
			`{"a":1}` + "\nmaster-0 {}\n",
			`{"a":1}` + "\nmaster-0 {}\n", 0},
	} {
		var j criJoiner
		got := string(j.join([]byte(tc.in)))
		if got != tc.want || j.stderr != tc.stderr {
			t.Errorf("%s:\n got %q, %d stderr\nwant %q, %d", tc.name, got, j.stderr, tc.want, tc.stderr)
		}
		if lineCount(got) != lineCount(tc.in) {
			t.Errorf("%s: %d lines, want %d", tc.name, lineCount(got), lineCount(tc.in))
		}
	}
}

// criLog returns events as a container runtime log of stdout records of
// at most part bytes, with a stderr klog line after every third record,
// and the auditIDs in order.
func criLog(events, part int) (log string, ids []string) {
	const ts = "2024-05-01T10:00:00.000000000Z"
	var b strings.Builder
	records := 0
	for i := range events {
		id := fmt.Sprintf("cri-%04d", i)
		ids = append(ids, id)
		line := timedEvent(id, int64(i), 300+i%700)
		for len(line) > 0 {
			n := min(part, len(line))
			tag := "P"
			if n == len(line) {
				tag = "F"
			}
			b.WriteString(ts + " stdout " + tag + " " + line[:n] + "\n")
			line = line[n:]
			if records++; records%3 == 0 {
				b.WriteString(ts + " stderr F I0501 10:00:00.000000       1 some klog line\n")
			}
		}
	}
	return b.String(), ids
}

// TestCRILog reads events cut into records of a container runtime log,
// the records of one line spread over blocks: every event is read once,
// in every read path, with no failure, and the report says how many
// stderr lines were passed over.
func TestCRILog(t *testing.T) {
	log, ids := criLog(900, 97) // ~800 KB: several blocks
	dir := t.TempDir()
	sources := []Source{writeSource(t, dir, "kube-apiserver.log", []byte(log))}
	klogLines := strings.Count(log, " stderr ")
	check := func(path string, r *Reader, got []string) {
		t.Helper()
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			t.Errorf("%s: %d events, want %d", path, len(got), len(ids))
		}
		rep := r.Report()
		if rep.Failures() != 0 {
			t.Errorf("%s: %d failures", path, rep.Failures())
		}
		if rep.Lines != int64(strings.Count(log, "\n")) {
			t.Errorf("%s: %d lines, want %d", path, rep.Lines, strings.Count(log, "\n"))
		}
		want := fmt.Sprintf("container runtime log: %d lines of stderr (the API server's own log) passed over", klogLines)
		if files := rep.ByFile; len(files) != 1 || !slices.Contains(files[0].Notes, want) {
			t.Errorf("%s: files %+v, want the note %q", path, files, want)
		}
	}
	var got []string
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	for e := range r.All() {
		got = append(got, string(e.Event.AuditID))
	}
	check("All", r, got)
	got = nil
	for e := range r.Sorted(0) {
		got = append(got, string(e.Event.AuditID))
	}
	check("Sorted", r, got)
	var mu sync.Mutex
	got = nil
	sink := SinkFunc(func(e *Entry) {
		mu.Lock()
		got = append(got, string(e.Event.AuditID))
		mu.Unlock()
	})
	if err := r.scan(context.Background(), []Sink{sink, sink}); err != nil {
		t.Fatal(err)
	}
	check("Scan", r, got)
}

// TestCRILogCutOff: a log that ends inside a line reports it, and a line
// of parts longer than the limit, over several blocks, is counted too
// long; the events around them are read.
func TestCRILogCutOff(t *testing.T) {
	const ts = "2024-05-01T10:00:00.000000000Z"
	log, ids := criLog(20, 50)
	// Cut before the last event's last record.
	cut := log[:strings.LastIndex(log, "\n"+ts+" stdout F ")+1]
	dir := t.TempDir()
	r := NewReader([]Source{writeSource(t, dir, "a.log", []byte(cut))}, Options{EveryStage: true, EveryCopy: true})
	n := 0
	for range r.All() {
		n++
	}
	if rep := r.Report(); n != len(ids)-1 || rep.Failures() != 1 {
		t.Errorf("%d events, %d failures; want %d, 1 (the event cut off)", n, rep.Failures(), len(ids)-1)
	}

	var b strings.Builder
	for i, pad := range []int{10, 600 << 10, 10} {
		line := timedEvent(fmt.Sprint("e", i), int64(i), pad)
		for len(line) > 0 {
			n := min(16<<10, len(line))
			tag := "P"
			if n == len(line) {
				tag = "F"
			}
			b.WriteString(ts + " stdout " + tag + " " + line[:n] + "\n")
			line = line[n:]
		}
	}
	r = NewReader([]Source{writeSource(t, dir, "b.log", []byte(b.String()))}, Options{EveryStage: true, EveryCopy: true, MaxLineBytes: 300 << 10})
	var got []string
	for e := range r.All() {
		got = append(got, string(e.Event.AuditID))
	}
	rep := r.Report()
	if !slices.Equal(got, []string{"e0", "e2"}) || rep.Problems[TooLong].Count != 1 || rep.Failures() != 1 {
		t.Errorf("limit 300 KiB: events %v, %d too long, %d failures; want e0 e2, 1, 1", got, rep.Problems[TooLong].Count, rep.Failures())
	}
	if rep.Lines != int64(strings.Count(b.String(), "\n")) {
		t.Errorf("%d lines, want %d", rep.Lines, strings.Count(b.String(), "\n"))
	}
}

// FuzzJoinCRI: joining keeps the number of lines and never fails; a line
// cut into parts is joined back whole.
func FuzzJoinCRI(f *testing.F) {
	f.Add(`{"kind":"Event","auditID":"a"}`, 7, "2024-05-01T10:00:00Z stdout F {}\n")
	f.Add(`x`, 1, "2024-05-01T10:00:00Z stdout P {\n2024-05-01T10:00:00Z stderr P a")
	f.Fuzz(func(t *testing.T, content string, part int, other string) {
		if strings.ContainsAny(content, "\n") || part < 1 || len(content) == 0 {
			return
		}
		var j criJoiner
		out := j.join([]byte(other))
		if lineCount(string(out)) != lineCount(other) {
			t.Fatalf("%q: %d lines, want %d", other, lineCount(string(out)), lineCount(other))
		}
		var b strings.Builder
		for rest := content; len(rest) > 0; {
			n := min(part, len(rest))
			tag := "P"
			if n == len(rest) {
				tag = "F"
			}
			b.WriteString("2024-05-01T10:00:00.5Z stdout " + tag + " " + rest[:n] + "\n")
			rest = rest[n:]
		}
		j = criJoiner{}
		lines := strings.Split(strings.TrimSuffix(string(j.join([]byte(b.String()))), "\n"), "\n")
		if last := lines[len(lines)-1]; last != content && strings.Count(b.String(), "\n") > 1 {
			t.Fatalf("%q in parts of %d: joined %q", content, part, last)
		}
	})
}

// lineCount is the number of lines of s, a last one without a newline
// included.
func lineCount(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}
