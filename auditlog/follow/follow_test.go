package follow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFromStartDirectory reads what a directory holds, rotated files
// oldest first per live file (a .gz decompressed, a file being compressed
// read once), then follows; what cannot be read is reported.
func TestFromStartDirectory(t *testing.T) {
	dir := t.TempDir()
	put := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gz := func(content string) string {
		z, err := gzipData([]byte(content))
		if err != nil {
			t.Fatal(err)
		}
		return string(z)
	}
	var r4 strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&r4, "r4 %d %d\n", i, i*7919%1000)
	}
	damaged := gz(r4.String())
	damaged = damaged[:len(damaged)/2]

	put("audit-2026-01-03T00-00-00.000.log", "r3 a\nr3 partial")
	put("audit-2026-01-01T00-00-00.000.log.gz", gz("r1 a\nr1 b\n"))
	put("audit-2026-01-02T00-00-00.000.log", "r2 a\n")
	put("audit-2026-01-02T00-00-00.000.log.gz", gz("r2 a\n"))
	put("audit-2026-01-04T00-00-00.000.log.gz", damaged)
	put("audit.log", "live a\nlive b\n")
	put("node-b-audit-2026-01-01T00-00-00.000.log", "nb r\n")
	put("node-b-audit.log", "nb live\n")
	put("gone-audit-2026-01-01T00-00-00.000.log.gz", gz("gone r\n"))
	put("termination.log", "not audit\n")
	put(".audit.log.swp", "not audit\n")
	put("notes.txt", "not audit\n")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}

	r := start(t, dir, Options{FromStart: true}, 2)
	want := []string{"r1 a", "r1 b", "r2 a", "r3 a", "live a", "live b", "nb r", "nb live", "gone r"}
	waitFor(t, "the files there", func() bool { return slices.Contains(r.c.lines(), "gone r") && len(r.c.problemsOf(Skipped)) == 2 })
	appendFile(t, filepath.Join(dir, "audit.log"), "live c\n")
	want = append(want, "live c")
	waitFor(t, "the line appended", func() bool { return slices.Contains(r.c.lines(), "live c") })
	time.Sleep(10 * testPoll) // more polls: nothing more may come
	r.stop(t)

	var got, before []string // before the damage, if any
	for _, l := range r.c.lines() {
		if strings.HasPrefix(l, "r4 ") {
			before = append(before, l)
		} else {
			got = append(got, l)
		}
	}
	if len(before) == 0 {
		t.Errorf("none of the lines before the damage read")
	}
	if !strings.HasPrefix(r4.String(), strings.Join(append(before, ""), "\n")) {
		t.Errorf("lines of the damaged file are not its first lines")
	}
	if !slices.Equal(got, want) {
		t.Errorf("lines\n%q\nwant\n%q", got, want)
	}
	for _, b := range r.c.batches {
		if strings.HasPrefix(string(b.Lines), "r2 ") && strings.HasSuffix(b.Path, ".gz") {
			t.Errorf("r2 read from the .gz being written rather than the plain file")
		}
	}
	var problems []string
	for _, p := range r.c.allProblems() {
		problems = append(problems, fmt.Sprintf("%s %s %d", p.Kind, filepath.Base(p.Path), p.Offset))
	}
	damagedAt := r.c.problemsOf(Damaged)
	if len(damagedAt) != 1 {
		t.Fatalf("problems %q: want one damaged", problems)
	}
	wantProblems := []string{
		"skipped notes.txt 0", "skipped sub 0",
		"partial audit-2026-01-03T00-00-00.000.log 5",
		fmt.Sprintf("damaged audit-2026-01-04T00-00-00.000.log.gz %d", damagedAt[0].Offset),
	}
	if slices.Sort(problems); !slices.Equal(problems, sorted(wantProblems)) {
		t.Errorf("problems %q, want %q", problems, sorted(wantProblems))
	}
	c := r.stats.Counts()
	if c.Skipped != 2 || c.Partial != 1 || c.Damaged != 1 || c.TooLong+c.Truncated+c.Vanished+c.Unreadable != 0 {
		t.Errorf("counts %+v", c)
	}
}

// sorted returns s sorted.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestReadRotatedVanished: a rotated file listed but removed before it is
// opened is read from its .gz when that exists (compression finished),
// and reported vanished when nothing is left.
func TestReadRotatedVanished(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "audit-2026-01-01T00-00-00.000.log")
	z, err := gzipData([]byte("a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain+".gz", z, 0o644); err != nil {
		t.Fatal(err)
	}
	c := new(collector)
	s := &sink{emit: c.emit, onProblem: c.problem}
	if err := readRotated(context.Background(), rotatedFile{plain: plain, gz: plain + ".gz"}, 100, s); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(dir, "audit-2026-01-02T00-00-00.000.log")
	if err := readRotated(context.Background(), rotatedFile{plain: gone, gz: gone + ".gz"}, 100, s); err != nil {
		t.Fatal(err)
	}
	if got := c.lines(); !slices.Equal(got, []string{"a"}) {
		t.Errorf("lines %q, want [a] from the .gz", got)
	}
	if p := c.allProblems(); len(p) != 1 || p[0].Kind != Vanished || p[0].Path != gone {
		t.Errorf("problems %v, want %s vanished", p, gone)
	}
}

// TestFromEnd starts at the end of the last complete line: the line being
// written is read whole once complete; rotated files are not read.
func TestFromEnd(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "audit-2026-01-01T00-00-00.000.log"), []string{"rotated"}, "")
	live := filepath.Join(dir, "audit.log")
	writeLines(t, live, []string{"a", "b"}, "par")
	// A line begun before the start, too far back to find its start: its
	// rest is skipped, not reported.
	long := filepath.Join(dir, "long-audit.log")
	if err := os.WriteFile(long, bytes.Repeat([]byte("x"), tailScan+10), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file of one incomplete line: read from its start.
	short := filepath.Join(dir, "short-audit.log")
	writeLines(t, short, nil, "begun")

	r := start(t, dir, Options{}, 3)
	appendFile(t, live, "tial\nc\n")
	appendFile(t, long, "xx\nnext\n")
	appendFile(t, short, " and done\n")
	want := []string{"partial", "c", "next", "begun and done"}
	waitFor(t, "the lines appended", func() bool { return len(r.c.lines()) >= len(want) })
	time.Sleep(10 * testPoll)
	r.stop(t)
	if got := r.c.lines(); !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("lines %q, want %q", got, want)
	}
	for _, b := range r.c.batches {
		if b.Path == live && b.Offset != 4 {
			t.Errorf("audit.log read from %d, want 4", b.Offset)
		}
	}
	if p := r.c.allProblems(); len(p) > 0 {
		t.Errorf("problems %v", p)
	}
}

// TestCopyTruncate: a file truncated in place (after being copied to
// audit.log.1, which is not read) is read again from its start, and the
// truncation is reported where reading had reached.
func TestCopyTruncate(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	writeLines(t, live, nil, "")
	r := start(t, dir, Options{}, 1)
	appendFile(t, live, "one\ntwo\nthree\n")
	waitFor(t, "three lines", func() bool { return len(r.c.lines()) == 3 })
	data, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(live+".1", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(live, 0); err != nil {
		t.Fatal(err)
	}
	appendFile(t, live, "four\n")
	waitFor(t, "four lines", func() bool { return len(r.c.lines()) == 4 })
	time.Sleep(10 * testPoll)
	r.stop(t)
	if got := r.c.lines(); !slices.Equal(got, []string{"one", "two", "three", "four"}) {
		t.Errorf("lines %q", got)
	}
	p := r.c.allProblems()
	if len(p) != 1 || p[0].Kind != Truncated || p[0].Path != live || p[0].Offset != int64(len("one\ntwo\nthree\n")) {
		t.Errorf("problems %v, want one truncation of audit.log at 14", p)
	}
	if c := r.stats.Counts(); c.Truncated != 1 {
		t.Errorf("%d truncations counted", c.Truncated)
	}
}

// TestTooLongFollowed: a line longer than MaxLine, written in pieces over
// several polls, is skipped and reported once where it starts.
func TestTooLongFollowed(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	writeLines(t, live, nil, "")
	r := start(t, live, Options{MaxLine: 10}, 1)
	appendFile(t, live, "short\n0123456")
	waitFor(t, "the short line", func() bool { return len(r.c.lines()) == 1 })
	appendFile(t, live, "789")
	time.Sleep(5 * testPoll) // 10 bytes: not too long yet
	appendFile(t, live, "abc")
	waitFor(t, "the long line reported", func() bool { return len(r.c.problemsOf(TooLong)) == 1 })
	appendFile(t, live, "def\r\n0123456789\r\nend\n")
	waitFor(t, "the lines after it", func() bool { return len(r.c.lines()) == 3 })
	r.stop(t)
	if got := r.c.lines(); !slices.Equal(got, []string{"short", "0123456789\r", "end"}) {
		t.Errorf("lines %q", got)
	}
	if p := r.c.allProblems(); len(p) != 1 || p[0].Offset != 6 {
		t.Errorf("problems %v, want one too long at 6", p)
	}
}

// TestRenamedIncomplete: a file renamed away is read to its end and, once
// idle, closed; an incomplete last line it ends with is reported. It runs
// in parallel with the other tests that do: it waits out Follow's grace
// time (a second) for the renamed file, computing nothing.
func TestRenamedIncomplete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	writeLines(t, live, []string{"a"}, "never ended")
	r := start(t, live, Options{FromStart: true}, 1)
	waitFor(t, "the first line", func() bool { return len(r.c.lines()) == 1 })
	if err := os.Rename(live, filepath.Join(dir, "audit-2026-01-01T00-00-00.000.log")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the incomplete line reported", func() bool { return len(r.c.problemsOf(Partial)) == 1 })
	r.stop(t)
	if p := r.c.allProblems(); len(p) != 1 || p[0].Path != live || p[0].Offset != 2 {
		t.Errorf("problems %v, want audit.log partial at 2", p)
	}
	if c := r.stats.Counts(); c.Rotations != 1 {
		t.Errorf("%d rotations counted, want 1", c.Rotations)
	}
}

// TestCancel: Follow returns ctx's error promptly once it is canceled,
// even in the middle of a long poll interval or of reading a large file,
// and leaves no goroutine behind.
func TestCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	line := strings.Repeat("y", 99) + "\n"
	if err := os.WriteFile(live, []byte(strings.Repeat(line, 100_000)), 0o644); err != nil { // 10 MB
		t.Fatal(err)
	}
	for _, mode := range []string{"idle", "reading"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			batches := 0
			var canceled time.Time
			opts := Options{Poll: time.Hour, FromStart: mode == "reading"}
			done := make(chan error, 1)
			go func() {
				done <- Follow(ctx, live, opts, func(b Batch) error {
					if batches++; batches == 1 && mode == "reading" {
						canceled = time.Now()
						cancel()
					}
					return nil
				})
			}()
			if mode == "idle" {
				time.Sleep(20 * time.Millisecond) // Follow is waiting for its first hour to pass
				appendFile(t, live, line)
				canceled = time.Now()
				cancel()
			}
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Follow returned %v, want context.Canceled", err)
				}
				if d := time.Since(canceled); d > 5*time.Second {
					t.Errorf("Follow returned %v after cancel", d)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Follow did not return after cancel")
			}
			if batches > 1 {
				t.Errorf("%d batches emitted after cancel", batches-1)
			}
		})
	}
	if !waitUntil(func() bool { return runtime.NumGoroutine() <= before }) {
		t.Errorf("%d goroutines after, %d before", runtime.NumGoroutine(), before)
	}
}

// TestEmitError: emit's error stops Follow, which returns it.
func TestEmitError(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, filepath.Join(dir, "audit.log"), []string{"a", "b"}, "")
	stop := errors.New("stop")
	calls := 0
	err := Follow(context.Background(), dir, Options{FromStart: true, Poll: testPoll}, func(Batch) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Follow returned %v after %d calls, want stop after 1", err, calls)
	}
}

// TestFollowErrors: what cannot be followed at all is an error at once.
func TestFollowErrors(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "audit-2026-01-01T00-00-00.000.log.gz")
	if err := os.WriteFile(gz, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	emit := func(Batch) error { return nil }
	ctx := context.Background()
	if err := Follow(ctx, filepath.Join(dir, "missing.log"), Options{}, emit); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := Follow(ctx, gz, Options{}, emit); err == nil || !strings.Contains(err.Error(), "compressed") {
		t.Errorf("compressed file: %v", err)
	}
	if err := Follow(ctx, dir, Options{Poll: -1}, emit); err == nil {
		t.Error("negative Poll: no error")
	}
	if err := Follow(ctx, dir, Options{MaxLine: -1}, emit); err == nil {
		t.Error("negative MaxLine: no error")
	}
}

// TestDirectoryOddities: a live name that is a directory is skipped, and a
// directory followed that goes away is reported unreadable, each once.
func TestDirectoryOddities(t *testing.T) {
	dir := t.TempDir()
	followed := filepath.Join(dir, "logs")
	if err := os.MkdirAll(filepath.Join(followed, "folder.log"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := start(t, followed, Options{}, 0)
	waitFor(t, "folder.log skipped", func() bool { return len(r.c.problemsOf(Skipped)) == 1 })
	if err := os.RemoveAll(followed); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the directory reported", func() bool { return len(r.c.problemsOf(Unreadable)) == 1 })
	time.Sleep(10 * testPoll)
	r.stop(t)
	var got []string
	for _, p := range r.c.allProblems() {
		got = append(got, p.Kind.String()+" "+filepath.Base(p.Path))
	}
	if want := []string{"skipped folder.log", "unreadable logs"}; !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

// TestProblemString: a problem says where, what and why in one line.
func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Kind: TooLong, Path: "a.log", Offset: 7}, "a.log: too_long at offset 7"},
		{Problem{Kind: Damaged, Path: "b.log.gz", Offset: 9, Err: errors.New("unexpected EOF")}, "b.log.gz: damaged at offset 9: unexpected EOF"},
		{Problem{Kind: Kind(99), Path: "c"}, "c: kind(99) at offset 0"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
	for k := TooLong; k <= Skipped; k++ {
		if strings.HasPrefix(k.String(), "kind(") {
			t.Errorf("kind %d has no name", k)
		}
	}
}

// TestFromStartRotatedIsLive: a rotated name that is the live file opened
// (rotated between the opening and the listing; here a hard link) is read
// once, as the live file.
func TestFromStartRotatedIsLive(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	writeLines(t, live, []string{"a", "b"}, "")
	if err := os.Link(live, filepath.Join(dir, "audit-2026-01-01T00-00-00.000.log")); err != nil {
		t.Fatal(err)
	}
	r := start(t, dir, Options{FromStart: true}, 1)
	waitFor(t, "two lines", func() bool { return len(r.c.lines()) >= 2 })
	time.Sleep(10 * testPoll)
	r.stop(t)
	if got := r.c.lines(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("lines %q, want each once", got)
	}
}

// TestRenamedToLiveName: a followed file renamed to another live name (or
// back) is read on from where it was, not again from its start.
func TestRenamedToLiveName(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	writeLines(t, live, []string{"before"}, "")
	r := start(t, dir, Options{}, 1)
	appendFile(t, live, "a\n")
	waitFor(t, "a", func() bool { return len(r.c.lines()) == 1 })
	other := filepath.Join(dir, "other-audit.log")
	if err := os.Rename(live, other); err != nil {
		t.Fatal(err)
	}
	appendFile(t, other, "b\n")
	waitFor(t, "b", func() bool { return len(r.c.lines()) >= 2 })
	if err := os.Rename(other, live); err != nil {
		t.Fatal(err)
	}
	appendFile(t, live, "c\n")
	waitFor(t, "c", func() bool { return len(r.c.lines()) >= 3 })
	time.Sleep(10 * testPoll)
	r.stop(t)
	if got := r.c.lines(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("lines %q, want a b c once each", got)
	}
}
