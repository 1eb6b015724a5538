package serve_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog/follow"
	"github.com/auditlens/auditlens/serve"
)

// TestFollowAcrossRotation follows a directory while a writer appends to
// its audit.log, rotates it (rename and reopen) and gzips the rotated
// file: every event is counted once, and /query answers as the command
// does from the sample.
func TestFollowAcrossRotation(t *testing.T) {
	var all [][]byte
	for _, f := range sampleLines(t) {
		all = append(all, f.lines...)
	}
	dir := t.TempDir()
	live := filepath.Join(dir, "audit.log")
	write := func(path string, lines [][]byte) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if _, err := f.Write(append(l, '\n')); err != nil {
				t.Fatal(err)
			}
		}
		f.Close()
	}
	third := len(all) / 3
	write(live, all[:third])

	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, Files: []string{sample}, Queries: []string{"o=top&by=user"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran, followed := make(chan error, 1), make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	go func() { followed <- s.Follow(ctx, dir, follow.Options{FromStart: true, Poll: 10 * time.Millisecond}) }()

	// Append, then rotate: rename, more lines to the renamed file before
	// the writer reopens, a new audit.log, and the rotated file gzipped.
	write(live, all[third:2*third-100])
	rotated := filepath.Join(dir, "audit-2022-02-08T00-03-16.000.log")
	if err := os.Rename(live, rotated); err != nil {
		t.Fatal(err)
	}
	write(rotated, all[2*third-100:2*third])
	write(live, all[2*third:])
	waitUntil(t, "the rotated file to be read", func() bool { return s.Report().Events >= int64(2*third) })
	// The rotated file gzipped and removed, as logrotate does: the
	// follower, which read it through its open descriptor, reads neither
	// again.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	data, err := os.ReadFile(rotated)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(rotated+".gz", gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(rotated)

	waitUntil(t, "every event to be counted", func() bool { return s.Report().Events == int64(len(all)) })
	time.Sleep(50 * time.Millisecond) // nothing more comes
	if n := s.Report().Events; n != int64(len(all)) {
		t.Fatalf("%d events counted, want %d (none twice)", n, len(all))
	}
	if lost := s.FollowLost(); lost != 0 {
		t.Errorf("%d problems lost lines", lost)
	}
	hs := httptest.NewServer(s.Handler(nil, nil))
	defer hs.Close()
	if got, want := get(t, hs.URL, "/query?o=top&by=user"), commandAnswer(t, "o=top&by=user"); got != want {
		t.Errorf("/query differs from the command:\n--- served\n%s\n--- command\n%s", got, want)
	}
	cancel()
	if err := <-followed; err != nil {
		t.Fatal(err)
	}
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
}
