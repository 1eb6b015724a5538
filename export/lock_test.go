package export_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

// writeAll writes every event of the sample file through w and returns
// how many.
func writeAll(t *testing.T, w *export.Writer, path string) int64 {
	t.Helper()
	sources, err := auditlog.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()}).All() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// notes collects what a writer's Options.Notify is told, and signals the
// first.
type notes struct {
	mu    sync.Mutex
	list  []string
	first chan struct{}
}

func newNotes() *notes { return &notes{first: make(chan struct{})} }

func (n *notes) notify(msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.list) == 0 {
		close(n.first)
	}
	n.list = append(n.list, msg)
}

func (n *notes) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.list, "\n")
}

// TestLockWaits: a second writer of a directory waits for the first to
// close, says whom it waits for, and then appends to what the first
// committed: both runs are in the manifest and the export is complete
// (without the lock, the second's manifest left out the first's run).
func TestLockWaits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pq")
	first, err := export.NewWriter(dir, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, export.LockName)); err != nil {
		t.Fatalf("no lock file while writing: %v", err)
	}
	n1 := writeAll(t, first, crashInput)

	waiting := newNotes()
	type opened struct {
		w   *export.Writer
		err error
	}
	second := make(chan opened, 1)
	go func() {
		w, err := export.NewWriterContext(context.Background(), dir, export.Options{Append: true, Cluster: "two", Notify: waiting.notify})
		second <- opened{w, err}
	}()
	select {
	case <-waiting.first:
	case o := <-second:
		t.Fatalf("the second writer did not wait: %v", o.err)
	}
	if got := waiting.String(); !strings.Contains(got, fmt.Sprintf("being written by process %d on ", os.Getpid())) {
		t.Errorf("the note while waiting: %q", got)
	}
	select {
	case o := <-second:
		t.Fatalf("the second writer opened while the first writes: %v", o.err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	o := <-second
	if o.err != nil {
		t.Fatal(o.err)
	}
	n2 := writeAll(t, o.w, sampleKube)
	if err := o.w.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := export.Verify(dir); err != nil || !c.Complete() {
		t.Fatalf("after both: %v, %v", c, err)
	}
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != 2 || m.Rows != n1+n2 || rowsIn(t, dir) != n1+n2 {
		t.Errorf("after both: %d runs, %d rows in the manifest, %d read; want 2 and %d", len(m.Runs), m.Rows, rowsIn(t, dir), n1+n2)
	}
	if _, err := os.Stat(filepath.Join(dir, export.LockName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file after both closed: %v", err)
	}
}

// TestLockNotEmpty: a second export into the same new directory, without
// Append, waits for the first and is then refused: the directory is not
// empty any more. An Abort releases the lock as Close does.
func TestLockNotEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pq")
	first, err := export.NewWriter(dir, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, first, crashInput)
	done := make(chan error, 1)
	waiting := newNotes()
	go func() {
		_, err := export.NewWriterContext(context.Background(), dir, export.Options{Notify: waiting.notify})
		done <- err
	}()
	select {
	case <-waiting.first:
	case err := <-done:
		t.Fatalf("the second export did not wait: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, export.ErrNotEmpty) {
		t.Errorf("the second export without Append: %v, want ErrNotEmpty", err)
	}

	// Aborted: the lock is released, and the directory as it was.
	w, err := export.NewWriter(dir, export.Options{Append: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	w, err = export.NewWriterContext(ctxTimeout(t, 5*time.Second), dir, export.Options{Append: true})
	if err != nil {
		t.Fatalf("after an Abort: %v", err)
	}
	w.Abort()
}

// ctxTimeout is a context done after d, or at the test's end.
func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestLockContext: the wait ends with the context, with an error that
// names the holder and wraps the context's.
func TestLockContext(t *testing.T) {
	dir := t.TempDir()
	first, err := export.NewWriter(dir, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Abort()
	_, err = export.NewWriterContext(ctxTimeout(t, 100*time.Millisecond), dir, export.Options{Append: true})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), fmt.Sprintf("held by process %d", os.Getpid())) {
		t.Errorf("waiting past the deadline: %v", err)
	}
}

// TestLockStale: a lock file left by an export that ended without
// releasing it (killed: its process is gone) is taken over, and the
// writer says so.
func TestLockStale(t *testing.T) {
	dir := t.TempDir()
	host, _ := os.Hostname()
	dead := `{"pid": 999999999, "host": "` + host + `", "since": "2026-01-02T03:04:05Z"}`
	if err := os.WriteFile(filepath.Join(dir, export.LockName), []byte(dead), 0o644); err != nil {
		t.Fatal(err)
	}
	got := newNotes()
	w, err := export.NewWriterContext(ctxTimeout(t, 5*time.Second), dir, export.Options{Notify: got.notify})
	if err != nil {
		t.Fatalf("a stale lock: %v", err)
	}
	writeAll(t, w, crashInput)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s := got.String(); !strings.Contains(s, "took over the lock") || !strings.Contains(s, "process 999999999 on "+host) {
		t.Errorf("the note of a stale lock: %q", s)
	}
	if c, err := export.Verify(dir); err != nil || !c.Complete() {
		t.Errorf("after taking over a stale lock: %v, %v", c, err)
	}
}

// TestLockManyWriters: writers of one directory from many goroutines at
// once, each appending one run: the runs are committed one after the
// other, every one in the manifest, and the export complete (run with
// -race).
func TestLockManyWriters(t *testing.T) {
	dir := t.TempDir()
	const writers = 4
	var wg sync.WaitGroup
	rows := make([]int64, writers)
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			w, err := export.NewWriterContext(ctxTimeout(t, time.Minute), dir, export.Options{Append: true, Cluster: fmt.Sprintf("c%d", i)})
			if err != nil {
				errs[i] = err
				return
			}
			sources, err := auditlog.Find(crashInput)
			if err != nil {
				errs[i] = err
				w.Abort()
				return
			}
			for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()}).All() {
				if errs[i] = w.Write(e); errs[i] != nil {
					w.Abort()
					return
				}
				rows[i]++
			}
			errs[i] = w.Close()
		})
	}
	wg.Wait()
	var want int64
	for i := range writers {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		want += rows[i]
	}
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := export.Verify(dir); err != nil || !c.Complete() || len(m.Runs) != writers || m.Rows != want {
		t.Errorf("after %d writers at once: %v, %v; %d runs, %d rows, want %d", writers, c, err, len(m.Runs), m.Rows, want)
	}
}
