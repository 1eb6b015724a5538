//go:build unix

package main

import (
	"bytes"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// combinedOutput runs a build command (release.sh and the go builds it
// starts) in a process group of its own, killed whole when the test
// nears its deadline, so that a timed-out test leaves no build running.
func combinedOutput(t *testing.T, cmd *exec.Cmd) ([]byte, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var stop <-chan time.Time
	if d, ok := t.Deadline(); ok {
		stop = time.After(time.Until(d) - 10*time.Second)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-stop:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-done:
		}
	}()
	err := cmd.Wait()
	return out.Bytes(), err
}
