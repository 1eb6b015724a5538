package follow

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// testPoll is the poll interval of the tests: short, so that they are
// quick, as they wait on conditions rather than on time.
const testPoll = 2 * time.Millisecond

// collector keeps what Follow emits and reports, safely for the test's
// goroutine to read while Follow runs.
type collector struct {
	mu       sync.Mutex
	batches  []Batch
	problems []Problem
}

// emit is Follow's emit.
func (c *collector) emit(b Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches = append(c.batches, b)
	return nil
}

// problem is Options.OnProblem.
func (c *collector) problem(p Problem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, p)
}

// lines returns every line emitted, in order, without its newline.
func (c *collector) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, b := range c.batches {
		for _, l := range bytes.SplitAfter(b.Lines, []byte("\n")) {
			if len(l) > 0 {
				out = append(out, strings.TrimSuffix(string(l), "\n"))
			}
		}
	}
	return out
}

// problemsOf returns the problems reported so far, Skipped ones left out
// unless asked for.
func (c *collector) problemsOf(kinds ...Kind) []Problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Problem
	for _, p := range c.problems {
		for _, k := range kinds {
			if p.Kind == k {
				out = append(out, p)
			}
		}
	}
	return out
}

// allProblems returns every problem reported so far.
func (c *collector) allProblems() []Problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Problem(nil), c.problems...)
}

// waitFor waits until cond holds, failing the test after a deadline long
// enough for a loaded machine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !waitUntil(cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// waitUntil waits until cond holds, for at most 20 s, and reports whether
// it does.
func waitUntil(cond func() bool) bool {
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// running is a Follow call running in a goroutine of the test.
type running struct {
	c      *collector
	stats  *Stats
	cancel context.CancelFunc
	done   chan error
}

// start runs Follow on path with opts (OnProblem and Stats set to the
// collector's) and waits until it has opened the files it opens at the
// start (files of them), so that what is written next is new.
func start(t *testing.T, path string, opts Options, files int64) *running {
	t.Helper()
	r := &running{c: new(collector), stats: new(Stats), done: make(chan error, 1)}
	opts.OnProblem, opts.Stats = r.c.problem, r.stats
	if opts.Poll == 0 {
		opts.Poll = testPoll
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- Follow(ctx, path, opts, r.c.emit) }()
	t.Cleanup(func() { r.stop(t) })
	waitFor(t, "Follow to open the files there", func() bool { return r.stats.Counts().Files >= files })
	return r
}

// stop cancels Follow and returns what it returned; it fails the test if
// Follow does not return promptly.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	if r.cancel == nil {
		return context.Canceled
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return after its context was canceled")
		return nil
	}
}

// appendFile appends s to the file at path, creating it.
func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// gzipData compresses data.
func gzipData(data []byte) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
