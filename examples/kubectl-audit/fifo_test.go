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
// exit status 143. The second is counted from the signal; a run that
// overshoots it is tried again twice (a loaded machine can starve a
// process for longer), and a command that waits for a writer overshoots
// every time.
//
// It waits rather than computes (200 ms before each signal), so it runs in
// parallel with the package's other waiting tests, its two cases too.
func TestFIFOWithoutWriter(t *testing.T) {
	t.Parallel()
	for _, flags := range [][]string{{"--by=user", "-otop"}, {}} {
		t.Run(strings.Join(append([]string{"-f FIFO"}, flags...), " "), func(t *testing.T) {
			t.Parallel()
			// A pipe of its own: where a pipe is opened the blocking way
			// (not Linux: see auditlog's pipeOpensAtOnce), a run ended by
			// the signal opens its pipe to write, to end its own wait,
			// which would end another's.
			fifo := filepath.Join(t.TempDir(), "audit.log")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-f", fifo}, flags...)
			var code int
			var took time.Duration
			var errb bytes.Buffer
			for range 3 {
				code, took = endOnSIGTERM(args, &errb)
				if code != 143 || !strings.HasPrefix(errb.String(), "interrupted by SIGTERM") {
					t.Fatalf("%v: exit %d, stderr %q; want 143 and the signal named", args, code, errb.String())
				}
				if took <= time.Second {
					break
				}
			}
			if took > time.Second {
				t.Errorf("%v: exit %v after SIGTERM, three times; want within a second", args, took)
			}
		})
	}
}

// endOnSIGTERM runs the command with args, sends it SIGTERM (its context's
// cause) 200 ms after it starts, and returns its exit status and how long
// after the signal it ended.
func endOnSIGTERM(args []string, errb *bytes.Buffer) (int, time.Duration) {
	errb.Reset()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	signalled := make(chan time.Time, 1)
	timer := time.AfterFunc(200*time.Millisecond, func() {
		signalled <- time.Now()
		cancel(signalCause{syscall.SIGTERM})
	})
	defer timer.Stop()
	var out bytes.Buffer
	code := runContext(ctx, args, &out, errb)
	ended := time.Now()
	select {
	case at := <-signalled:
		return code, ended.Sub(at)
	default:
		return code, 0 // ended before the signal: the exit status says how
	}
}

// TestFIFOWithWriter: a named pipe given with -f is read like a file once
// a writer comes (after 100 ms: the test waits, in parallel with the
// package's other waiting tests).
func TestFIFOWithWriter(t *testing.T) {
	t.Parallel()
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
