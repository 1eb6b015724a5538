//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOWithoutWriter: a named pipe given with -f that no one writes to
// does not hold the command: SIGTERM ends the wait within a second, with
// exit status 143.
func TestFIFOWithoutWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "audit.log")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-f", fifo, "--by=user", "-otop"}, {"-f", fifo}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		timer := time.AfterFunc(200*time.Millisecond, func() { cancel(signalCause{syscall.SIGTERM}) })
		var out, errb bytes.Buffer
		start := time.Now()
		code := runContext(ctx, args, &out, &errb)
		took := time.Since(start)
		timer.Stop()
		cancel(nil)
		if code != 143 || took > 1200*time.Millisecond || !strings.HasPrefix(errb.String(), "interrupted by SIGTERM") {
			t.Errorf("%v: exit %d after %v, stderr %q; want 143 within a second of the signal", args, code, took, errb.String())
		}
	}
}

// TestFIFOWithWriter: a named pipe given with -f is read like a file once
// a writer comes.
func TestFIFOWithWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "audit.log")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit.log")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.Write(log)
		w.Close()
	}()
	r := runCmd(t, "-f", fifo, "--by=verb", "-otop=1")
	file := runCmd(t, "-f", kubeAPIServer+"/ip-10-0-142-86.ec2.internal-audit.log", "--by=verb", "-otop=1")
	if r.code != 0 || len(r.stdout) == 0 || !bytes.Equal(r.stdout, file.stdout) {
		t.Errorf("from the pipe: exit %d, stdout %q, stderr %q; want the file's answer %q", r.code, r.stdout, r.stderr, file.stdout)
	}
}
