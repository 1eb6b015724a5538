package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFollowRotation follows a log while writers append to it, rotate it
// by rename and a new file (writing to the renamed file before and after
// the new one exists), and compress and remove the rotated files; in a
// directory, a second API server's log appears meanwhile. The lines
// emitted must be exactly those written after the start (or all, from the
// start), each once, in order within each file, with no problem reported.
// The four runs are parallel, and with the package's other waiting tests:
// each spends its time in the writers' pauses (about 0.5 s of timer
// sleeps), not computing.
func TestFollowRotation(t *testing.T) {
	t.Parallel()
	for _, dirMode := range []bool{true, false} {
		for _, fromStart := range []bool{false, true} {
			t.Run(fmt.Sprintf("dir=%v/fromStart=%v", dirMode, fromStart), func(t *testing.T) {
				t.Parallel()
				testFollowRotation(t, dirMode, fromStart)
			})
		}
	}
}

func testFollowRotation(t *testing.T, dirMode, fromStart bool) {
	dir := t.TempDir()
	// What is there before Follow starts: a rotated file and the live
	// one, ending in an incomplete line that the writer completes.
	rotatedBefore := []string{"old 1", "old 2"}
	liveBefore := []string{"live 1", "live 2"}
	writeLines(t, filepath.Join(dir, "audit-2025-12-31T23-59-59.000.log"), rotatedBefore, "")
	writeLines(t, filepath.Join(dir, "audit.log"), liveBefore, "live 3 begun")

	path := dir
	if !dirMode {
		path = filepath.Join(dir, "audit.log")
	}
	r := start(t, path, Options{FromStart: fromStart}, 1)

	main := newRotatingWriter(t, dir, "audit.log", 1)
	main.write(main.f, " and ended\n")
	second := newRotatingWriter(t, dir, "node-b-audit.log", 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); main.run(3000, 250) }()
	go func() { defer wg.Done(); second.run(1000, 300) }()
	wg.Wait()
	main.close()
	second.close()
	if t.Failed() {
		return
	}

	var want []string
	if fromStart {
		if dirMode {
			want = append(want, rotatedBefore...)
		}
		want = append(want, liveBefore...)
	}
	want = append(want, "live 3 begun and ended")
	want = append(want, main.written...)
	if dirMode {
		want = append(want, second.written...)
	}
	if !waitUntil(func() bool { return len(r.c.lines()) >= len(want) }) {
		t.Errorf("timed out waiting for %d lines", len(want)) // checkSameLines says which
	}
	// A few more polls, for any line that would come twice.
	time.Sleep(10 * testPoll)
	if err := r.stop(t); err == nil {
		t.Error("Follow returned nil after its context was canceled")
	}
	got := r.c.lines()
	checkSameLines(t, got, want)
	checkFileOrder(t, got, main.written)
	checkFileOrder(t, got, second.written)
	if p := r.c.allProblems(); len(p) > 0 {
		t.Errorf("problems reported: %v", p)
	}
	if c := r.stats.Counts(); c.Rotations < int64(main.gen) {
		t.Errorf("%d rotations counted, want at least %d", c.Rotations, main.gen)
	}
}

// writeLines writes a file of lines, then tail (an incomplete line).
func writeLines(t *testing.T, path string, lines []string, tail string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(append(lines, tail), "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkSameLines fails unless got holds each line of want exactly once and
// nothing else.
func checkSameLines(t *testing.T, got, want []string) {
	t.Helper()
	seen := make(map[string]int, len(got))
	for _, l := range got {
		seen[l]++
		if seen[l] == 2 {
			t.Errorf("line emitted twice: %.60q", l)
		}
	}
	missing := 0
	for _, l := range want {
		if seen[l] == 0 {
			if missing++; missing <= 5 {
				t.Errorf("line missing: %.60q", l)
			}
		}
		delete(seen, l)
	}
	for l := range seen {
		t.Errorf("line emitted that was not written after the start: %.60q", l)
	}
	if missing > 0 {
		t.Errorf("%d lines missing of %d; %d emitted", missing, len(want), len(got))
	}
}

// checkFileOrder fails unless the lines of each file written (same first
// two words: name and generation) come in got in the order written.
func checkFileOrder(t *testing.T, got, written []string) {
	t.Helper()
	index := make(map[string]int, len(written))
	for i, l := range written {
		index[l] = i
	}
	last := make(map[string]int)
	for _, l := range got {
		i, ok := index[l]
		if !ok {
			continue
		}
		f := strings.Fields(l)
		file := f[0] + " " + f[1]
		if prev, ok := last[file]; ok && prev > i {
			t.Errorf("%s: line %d emitted after line %d", file, i, prev)
			return
		}
		last[file] = i
	}
}
