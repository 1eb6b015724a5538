package auditlog

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// fewDescriptorsEnv names the folder the child of TestFewFileDescriptors
// reads.
const fewDescriptorsEnv = "AUDITLOG_TEST_FEW_DESCRIPTORS"

// TestFewFileDescriptors reads 100 files in a process that may open only
// a few more files than it has open (a low ulimit -n): every event is
// read by All, Scan with more workers than free descriptors, and Sorted
// with more streams than free descriptors.
func TestFewFileDescriptors(t *testing.T) {
	if dir := os.Getenv(fewDescriptorsEnv); dir != "" {
		readWithFewDescriptors(t, dir)
		return
	}
	dir := t.TempDir()
	for s := range 25 {
		rotatedFiles(t, filepath.Join(dir, fmt.Sprint(s)), 4, 10, 0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFewFileDescriptors$", "-test.v")
	cmd.Env = append(os.Environ(), fewDescriptorsEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child with few descriptors failed: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func readWithFewDescriptors(t *testing.T, dir string) {
	sources, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	open, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	// Room for 4 files: fewer than the 8 workers and the 25 streams. The
	// listing of /proc/self/fd counted the descriptor that read it, and
	// the runtime may hold one more or less: count what is free, and set
	// the limit again so that exactly 4 are.
	lim.Cur = uint64(len(open) + 4)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	var probes []*os.File
	for len(probes) < 64 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		probes = append(probes, f)
	}
	for _, f := range probes {
		f.Close()
	}
	lim.Cur = lim.Cur - uint64(len(probes)) + 4
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	const want = 25 * 4 * 10
	check := func(path string, r *Reader, n int) {
		t.Helper()
		rep := r.Report()
		if n != want || rep.Problems[Unreadable].Count != 0 || rep.Files != 100 {
			t.Errorf("%s: %d entries from %d files, %d unreadable (%v); want %d from 100", path, n, rep.Files,
				rep.Problems[Unreadable].Count, rep.Problems[Unreadable].Samples, want)
		}
		t.Logf("%s: %d entries, %d files open at once at most, %d out of order", path, n, r.peakOpen, rep.OutOfOrder)
	}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	n := 0
	for range r.All() {
		n++
	}
	check("All", r, n)
	counts := make([]int, 8)
	sinks := make([]Sink, len(counts))
	for i := range sinks {
		sinks[i] = SinkFunc(func(*Entry) { counts[i]++ })
	}
	if err := r.scan(context.Background(), sinks); err != nil {
		t.Fatal(err)
	}
	n = 0
	for _, c := range counts {
		n += c
	}
	check("Scan", r, n)
	n = 0
	for range r.Sorted(0) {
		n++
	}
	check("Sorted", r, n)
	// Without the wait, opening a file fails here.
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for range 5 {
		f, err := os.Open(sources[0].Path)
		if err != nil {
			if !isDescriptorShortage(err) {
				t.Fatal(err)
			}
			return
		}
		files = append(files, f)
	}
	t.Errorf("5 files opened at once: the limit does not hold")
}
