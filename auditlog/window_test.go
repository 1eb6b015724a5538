package auditlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/auditlens/auditlens/internal/longtest"
)

// timedEvent is an event received at base plus ms milliseconds, with a
// requestObject of pad bytes.
func timedEvent(id string, ms int64, pad int) string {
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(ms) * time.Millisecond)
	body := ""
	if pad > 0 {
		body = `,"requestObject":{"data":"` + strings.Repeat("x", pad) + `"}`
	}
	return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"` + id +
		`","stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"list","user":{"username":"u"}` + body +
		`,"requestReceivedTimestamp":"` + t.Format("2006-01-02T15:04:05.000000Z") + `"}`
}

// rotatedFiles writes files plainly named rotated logs in dir (as a vanilla
// kube-apiserver names them: audit-TIME.log, the live audit.log last), each
// of perFile events, in time order across the files, and returns them
// shuffled.
func rotatedFiles(t *testing.T, dir string, files, perFile, pad int) []Source {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var sources []Source
	ms := int64(0)
	for f := range files {
		name := "audit.log"
		if f < files-1 {
			name = fmt.Sprintf("audit-2024-01-01T%02d-%02d-00.000.log", f/60, f%60)
		}
		var b strings.Builder
		for i := range perFile {
			b.WriteString(timedEvent(fmt.Sprintf("%s-%d-%d", filepath.Base(dir), f, i), ms, pad) + "\n")
			ms += 10
		}
		sources = append(sources, writeSource(t, dir, name, []byte(b.String())))
	}
	// Shuffled: the order given must not matter.
	slices.Reverse(sources)
	return sources
}

// sortedRun reads r with Sorted and returns the auditIDs in the order
// yielded, checking that the report's out-of-order count and lateness are
// those of the order.
func sortedRun(t *testing.T, r *Reader, window int64) []string {
	t.Helper()
	var ids []string
	var latest time.Time
	var late int64
	var lateness time.Duration
	for e := range r.Sorted(window) {
		ids = append(ids, string(e.Event.AuditID))
		at := e.Event.RequestReceivedTimestamp.Time
		switch {
		case len(ids) == 1 || at.After(latest):
			latest = at
		case at.Before(latest):
			late++
			lateness = max(lateness, latest.Sub(at))
		}
	}
	if rep := r.Report(); rep.OutOfOrder != late || rep.MaxLateness != lateness {
		t.Errorf("window %d: report says %d out of order, up to %v; the order has %d, up to %v",
			window, rep.OutOfOrder, rep.MaxLateness, late, lateness)
	}
	return ids
}

// TestSortedPlainRotated: a vanilla kube-apiserver's rotated files, whose
// names give no node, are one stream in rotation order: one file open at a
// time, and the entries in order.
func TestSortedPlainRotated(t *testing.T) {
	sources := rotatedFiles(t, t.TempDir(), 40, 30, 0)
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	ids := sortedRun(t, r, 0)
	if len(ids) != 40*30 || r.Report().OutOfOrder != 0 {
		t.Errorf("%d entries, %d out of order; want %d in order", len(ids), r.Report().OutOfOrder, 40*30)
	}
	if r.peakOpen != 1 {
		t.Errorf("%d files open at once, want 1", r.peakOpen)
	}
}

// TestSortedWindowBytes: the memory held is bounded by the window in
// bytes, whatever the number of streams and the size of events, give or
// take a block per stream; entries that come out late are counted.
func TestSortedWindowBytes(t *testing.T) {
	dir := t.TempDir()
	var sources []Source
	const streams = 6
	for s := range streams {
		// Events of 40 kB; each folder is an API server of its own.
		sources = append(sources, rotatedFiles(t, filepath.Join(dir, fmt.Sprint(s)), 3, 20, 40<<10)...)
	}
	for _, window := range []int64{1, 256 << 10, 1 << 20, 64 << 20} {
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
		ids := sortedRun(t, r, window)
		if len(ids) != streams*3*20 {
			t.Errorf("window %d: %d entries, want %d", window, len(ids), streams*3*20)
		}
		// A stream reads a block of 256 KiB (6 events, 6 kilobytes of
		// overhead) after it last saw room in the window.
		if most := window + streams*(blockSize+6*entryOverhead); r.peakHeld > most {
			t.Errorf("window %d: held %d bytes, more than %d", window, r.peakHeld, most)
		}
		if r.peakOpen > streams {
			t.Errorf("window %d: %d files open at once, more than the %d streams", window, r.peakOpen, streams)
		}
		t.Logf("window %d: held up to %d bytes, %d out of order", window, r.peakHeld, r.Report().OutOfOrder)
	}
}

// TestSortedSparse: entries that keep little of their block are copied
// out, so that a selective filter does not keep whole blocks for them.
func TestSortedSparse(t *testing.T) {
	sources := rotatedFiles(t, t.TempDir(), 2, 3000, 0)
	keep := func(e *Entry) bool { return strings.HasSuffix(string(e.Event.AuditID), "00") }
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, Keep: FilterFunc(keep)})
	ids := sortedRun(t, r, 0)
	if len(ids) != 58 { // i%100 == 0, but for i == 0, in each file
		t.Fatalf("%d entries, want 58", len(ids))
	}
	if most := int64(60 * (entryOverhead + 1024)); r.peakHeld > most {
		t.Errorf("held %d bytes for 60 small entries, more than %d: blocks are kept", r.peakHeld, most)
	}
}

// FuzzSortedWindow reads events at times drawn from the input, spread over
// streams, with a tiny window and lookahead: every entry comes out once,
// the out-of-order count is that of the order yielded, and with room for
// every entry the order is exact.
func FuzzSortedWindow(f *testing.F) {
	f.Add([]byte{1, 0, 5, 1, 3, 0, 2, 2, 0, 9, 0, 1}, uint16(1), uint8(1))
	f.Add([]byte{0, 9, 0, 8, 0, 7, 1, 1, 1, 2, 2, 200}, uint16(3000), uint8(2))
	f.Add([]byte{2, 250, 1, 0, 0, 0, 2, 251, 1, 1}, uint16(0), uint8(0))
	f.Fuzz(func(t *testing.T, plan []byte, window uint16, lookahead uint8) {
		if len(plan) > 400 {
			return
		}
		defer func(n int) { sortLookahead = n }(sortLookahead)
		sortLookahead = int(lookahead%8) + 1
		// Pairs of bytes: a stream (of 3) and a time step, which may go
		// back a little, as completion order does.
		dir := t.TempDir()
		var data [3]strings.Builder
		var clock [3]int64
		want := 0
		for i := 0; i+1 < len(plan); i += 2 {
			s := int(plan[i] % 3)
			clock[s] += int64(int8(plan[i+1]))
			data[s].WriteString(timedEvent(fmt.Sprintf("e%d", i/2), clock[s], 0) + "\n")
			want++
		}
		var sources []Source
		for s := range data {
			sources = append(sources, writeSource(t, dir, fmt.Sprintf("m%d-audit.log", s), []byte(data[s].String())))
		}
		r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
		ids := sortedRun(t, r, int64(window))
		slices.Sort(ids)
		if len(ids) != want || len(slices.Compact(ids)) != want {
			t.Fatalf("window %d: %d entries (%d distinct), want %d", window, len(ids), len(slices.Compact(ids)), want)
		}
		if window == 0 && want <= sortLookahead && r.Report().OutOfOrder != 0 {
			t.Fatalf("room for every entry, yet %d out of order", r.Report().OutOfOrder)
		}
	})
}

// TestOpenFilesBounded: files are opened as they are read, so the number
// open at once is bounded by the workers (Scan), one (All), the streams
// (Sorted), never by the number of files.
func TestOpenFilesBounded(t *testing.T) {
	dir := t.TempDir()
	var sources []Source
	for s := range 4 {
		sources = append(sources, rotatedFiles(t, filepath.Join(dir, fmt.Sprint(s)), 10, 5, 0)...)
	}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	for range r.All() {
	}
	if r.peakOpen != 1 {
		t.Errorf("All: %d files open at once, want 1", r.peakOpen)
	}
	sinks := []Sink{SinkFunc(func(*Entry) {}), SinkFunc(func(*Entry) {})}
	if err := r.scan(context.Background(), sinks); err != nil {
		t.Fatal(err)
	}
	if r.peakOpen > 2 {
		t.Errorf("Scan with 2 workers: %d files open at once", r.peakOpen)
	}
	for range r.Sorted(0) {
	}
	if r.peakOpen > 4 {
		t.Errorf("Sorted of 4 streams: %d files open at once", r.peakOpen)
	}
}

// TestDescriptorShortage: when opening a file fails for want of file
// descriptors (EMFILE, ENFILE), the reader waits and retries: no input is
// lost, in every read path.
func TestDescriptorShortage(t *testing.T) {
	dir := t.TempDir()
	var sources []Source
	for s := range 3 {
		sources = append(sources, rotatedFiles(t, filepath.Join(dir, fmt.Sprint(s)), 8, 5, 0)...)
	}
	const want = 3 * 8 * 5
	var attempts atomic.Int64
	flaky := func(name string) (*os.File, error) {
		// Every other attempt fails, as when another goroutine (or
		// process) takes the last descriptors.
		if failures := attempts.Add(1); failures%2 == 1 {
			errno := syscall.EMFILE
			if attempts.Load()%4 == 1 {
				errno = syscall.ENFILE
			}
			return nil, &os.PathError{Op: "open", Path: name, Err: errno}
		}
		return os.Open(name)
	}
	check := func(path string, r *Reader, n int) {
		t.Helper()
		if n != want || r.Report().Problems[Unreadable].Count != 0 {
			t.Errorf("%s: %d entries, %d unreadable files; want %d, 0", path, n, r.Report().Problems[Unreadable].Count, want)
		}
	}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	r.openOS = flaky
	n := 0
	for range r.All() {
		n++
	}
	check("All", r, n)
	n = 0
	for range r.Sorted(1) {
		n++
	}
	check("Sorted", r, n)
	var counts [3]int
	sinks := []Sink{SinkFunc(func(*Entry) { counts[0]++ }), SinkFunc(func(*Entry) { counts[1]++ }), SinkFunc(func(*Entry) { counts[2]++ })}
	if err := r.scan(context.Background(), sinks); err != nil {
		t.Fatal(err)
	}
	check("Scan", r, counts[0]+counts[1]+counts[2])

	// With no file of its own to wait for, a read gives up after a while,
	// and says so.
	defer func(d time.Duration) { descriptorPatience = d }(descriptorPatience)
	descriptorPatience = time.Millisecond
	r.openOS = func(name string) (*os.File, error) {
		return nil, &os.PathError{Op: "open", Path: name, Err: syscall.EMFILE}
	}
	for range r.All() {
	}
	rep := r.Report()
	if got := rep.Problems[Unreadable]; got.Count != int64(len(sources)) || !strings.HasSuffix(got.Samples[0].String(), ": too many open files") ||
		strings.Count(got.Samples[0].String(), got.Samples[0].File) != 1 {
		t.Errorf("a lasting shortage: %d unreadable files (%v), want %d, each named once", got.Count, got.Samples, len(sources))
	}
}

// TestSortedReproducible: the order Sorted yields depends on the input
// alone, not on how far each stream's goroutine has read when the merge
// decides: the must-gather sample (a stream per API server and node) in
// windows small enough to fill, read many times on one to four threads
// (more in the long step of .ci/run), gives one order.
func TestSortedReproducible(t *testing.T) {
	sources, err := Find("../testdata/must-gather")
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runs := longtest.Pick(6, 24)
	for _, window := range []int64{1, 64 << 10, 1 << 20} {
		var first []string
		for run := range runs {
			runtime.GOMAXPROCS(1 + run%4)
			ids := sortedRun(t, NewReader(sources, Options{EveryStage: true, EveryCopy: true}), window)
			if run == 0 {
				first = ids
				continue
			}
			if !slices.Equal(ids, first) {
				i := 0
				for i < min(len(ids), len(first)) && ids[i] == first[i] {
					i++
				}
				t.Fatalf("window %d, run %d: %d entries, the first run %d; they part at %d", window, run, len(ids), len(first), i)
			}
		}
	}
}
