package serve_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/serve"
)

// linesOf returns the first n event lines of the sample as JSON lines.
func linesOf(t testing.TB, from, n int) []byte {
	var all [][]byte
	for _, f := range sampleLines(t) {
		all = append(all, f.lines...)
	}
	var b []byte
	for _, l := range all[from : from+n] {
		b = append(append(b, l...), '\n')
	}
	return b
}

// waitUntil polls cond until it holds, or fails the test after 30 s.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// committedRows returns the rows of the export in dir once complete; -1
// while it is not.
func committedRows(dir string) int64 {
	c, err := export.Verify(dir)
	if err != nil || !c.Complete() {
		return -1
	}
	return c.Manifest.Rows
}

// TestKillBetweenCommits kills a server (SIGKILL) after one commit of its
// Parquet export and before the next: the export holds exactly what was
// committed, says it is complete, and a server started again on it adds
// to it.
func TestKillBetweenCommits(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillBetweenCommitsHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "AUDITLENS_SERVE_HELPER_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(dir, "..", filepath.Base(dir)+".uncommitted")
	waitUntil(t, "the helper to count its uncommitted batch", func() bool { _, err := os.Stat(ready); return err == nil })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	c, err := export.Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Complete() || c.Manifest.Rows != 1000 {
		t.Fatalf("after the kill: %s (rows %d), want complete with the 1000 committed rows", c, c.Manifest.Rows)
	}

	// Started again, the server appends; what the killed one had not
	// committed is lost, and only that.
	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, Parquet: dir, Queries: []string{"o=stats"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	if err := s.Ingest(serve.Batch{Name: "after restart", Data: linesOf(t, 2000, 300)}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the batch to be counted", func() bool { return s.Report().Events == 300 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rows := committedRows(dir); rows != 1300 {
		c, _ := export.Verify(dir)
		t.Fatalf("after the restart: %s, want 1300 rows", c)
	}
}

// TestKillBetweenCommitsHelper is the server TestKillBetweenCommits
// kills: it commits 1000 events, then counts 500 more and says so.
func TestKillBetweenCommitsHelper(t *testing.T) {
	dir := os.Getenv("AUDITLENS_SERVE_HELPER_DIR")
	if dir == "" {
		return // run by TestKillBetweenCommits alone
	}
	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, Parquet: dir, Queries: []string{"o=stats"}})
	if err != nil {
		t.Fatal(err)
	}
	go s.Run(context.Background())
	if err := s.Ingest(serve.Batch{Name: "committed", Data: linesOf(t, 0, 1000)}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first batch to be counted", func() bool { return s.Report().Events == 1000 })
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ingest(serve.Batch{Name: "uncommitted", Data: linesOf(t, 1000, 500)}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the second batch to be counted", func() bool { return s.Report().Events == 1500 })
	os.WriteFile(filepath.Join(dir, "..", filepath.Base(dir)+".uncommitted"), []byte(strconv.Itoa(1500)), 0o644)
	select {} // until killed
}
