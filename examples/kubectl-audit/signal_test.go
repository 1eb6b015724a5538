//go:build unix

package main

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"
)

// TestInterrupted: a run whose context a signal cancelled says so, with
// what it had read, and exits 128 plus the signal's number.
func TestInterrupted(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		args []string
	}{
		{syscall.SIGINT, 130, []string{"-f", kubeAPIServer, "--by=user", "-otop"}},
		{syscall.SIGTERM, 143, []string{"-f", kubeAPIServer, "--verb=get"}},
		{syscall.SIGINT, 130, []string{"-f", kubeAPIServer, "--since=+10m", "--by=user", "-otop"}},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(signalCause{tc.sig})
		var out, errb bytes.Buffer
		code := runContext(ctx, tc.args, &out, &errb)
		if code != tc.code || !strings.HasPrefix(errb.String(), "interrupted by "+signalCause{tc.sig}.Error()) {
			t.Errorf("%v: exit %d, stderr %q; want %d and a word about it", tc.args, code, errb.String(), tc.code)
		}
	}
	// A cancelled context without a signal is an error like any other.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := runContext(ctx, []string{"-f", kubeAPIServer, "--by=user", "-otop"}, &out, &errb); code != 1 {
		t.Errorf("cancelled without a signal: exit %d, want 1 (%s)", code, errb.String())
	}
}

// TestWithSignals: a signal to the process cancels the context, with the
// signal as its cause.
func TestWithSignals(t *testing.T) {
	ctx, stop := withSignals(context.Background())
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	if sig, ok := interrupted(ctx, ctx.Err()); !ok || sig != int(syscall.SIGTERM) {
		t.Errorf("interrupted = %d, %v; want SIGTERM", sig, ok)
	}
}
