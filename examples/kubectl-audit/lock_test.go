package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/export"
)

// lockHelperEnv, in the environment of the test binary, makes
// TestExportLockHelper run the command.
const lockHelperEnv = "KUBECTL_AUDIT_TEST_LOCK"

// TestExportLockHelper is the process TestExportConcurrentAppends starts:
// it runs the command with the arguments after "--" and exits with its
// status. It does nothing in a normal run.
func TestExportLockHelper(t *testing.T) {
	if os.Getenv(lockHelperEnv) == "" {
		return // not the helper process
	}
	os.Exit(runHelperArgs())
}

// TestExportConcurrentAppends: four processes `export --append` into one
// directory at once, three logs and one of them a second time, all
// waiting on the directory's lock (held by the test until each says it
// waits): they write one after the other, the duplicate is refused (exit
// 2) whichever of the two comes second, and the export holds each log
// exactly once, complete. Its processes mostly wait on the lock, so it
// runs in parallel with the package's other waiting tests.
func TestExportConcurrentAppends(t *testing.T) {
	if os.Getenv(lockHelperEnv) != "" {
		t.Skip("in the helper process")
	}
	t.Parallel()
	logs := []string{
		kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit.log",
		kubeAPIServer + "/ip-10-0-147-201.ec2.internal-audit.log",
		kubeAPIServer + "/ip-10-0-183-131.ec2.internal-audit.log",
	}
	out := filepath.Join(t.TempDir(), "pq")
	holder, err := export.NewWriter(out, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type proc struct {
		cmd        *exec.Cmd
		stderr     bytes.Buffer
		waiting    chan struct{}
		stderrDone chan struct{}
	}
	var procs []*proc
	for _, log := range append(logs, logs[0]) {
		p := &proc{waiting: make(chan struct{})}
		p.cmd = exec.Command(os.Args[0], "-test.run=^TestExportLockHelper$", "-test.count=1", "--",
			"export", "--append", "-f", log, "--to", out)
		p.cmd.Env = append(os.Environ(), lockHelperEnv+"=1")
		pipe, err := p.cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p.stderrDone = make(chan struct{})
		go func() {
			defer close(p.stderrDone)
			r := bufio.NewReader(pipe)
			told := false
			for {
				line, err := r.ReadString('\n')
				p.stderr.WriteString(line)
				if !told && strings.Contains(line, "waiting for it to finish") {
					close(p.waiting)
					told = true
				}
				if err != nil {
					io.Copy(&p.stderr, r)
					return
				}
			}
		}()
		procs = append(procs, p)
	}
	for i, p := range procs {
		select {
		case <-p.waiting:
		case <-p.stderrDone:
			t.Fatalf("process %d ended without waiting for the lock: %s", i, p.stderr.String())
		case <-time.After(time.Minute):
			t.Fatalf("process %d: no word of waiting in a minute", i)
		}
	}
	holder.Abort() // the lock is free: they take it one after the other
	var wg sync.WaitGroup
	codes := make([]int, len(procs))
	for i, p := range procs {
		wg.Go(func() {
			<-p.stderrDone
			p.cmd.Wait()
			codes[i] = p.cmd.ProcessState.ExitCode()
		})
	}
	wg.Wait()
	for i := 1; i < 3; i++ {
		if codes[i] != 0 {
			t.Errorf("export --append -f %s: exit %d, %s", logs[i], codes[i], procs[i].stderr.String())
		}
	}
	// The same log twice: one exports it, the other is refused.
	first, second := procs[0], procs[3]
	if codes[0] != 0 {
		first, second = second, first
	}
	if first.cmd.ProcessState.ExitCode() != 0 || second.cmd.ProcessState.ExitCode() != 2 || !strings.Contains(second.stderr.String(), "is already in the export") {
		t.Errorf("the same log twice: exits %d and %d; stderr of the refused:\n%s", codes[0], codes[3], second.stderr.String())
	}

	if c, err := export.Verify(out); err != nil || !c.Complete() {
		t.Fatalf("after the appends: %v, %v", c, err)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range m.Runs {
		for _, s := range r.Sources {
			seen[filepath.Base(s.Path)]++
		}
	}
	for _, log := range logs {
		if seen[filepath.Base(log)] != 1 {
			t.Errorf("%s is %d times in the manifest, want once (%v)", log, seen[filepath.Base(log)], seen)
		}
	}
	want := runCmd(t, append([]string{"-o", "stats", "-f"}, strings.Join(logs, ","))...)
	got := runCmd(t, "-o", "stats", "-f", out)
	if got.code != 0 || want.code != 0 || !bytes.Equal(got.stdout, want.stdout) {
		t.Errorf("the export's stats (exit %d):\n%s\nwant (the logs', exit %d):\n%s", got.code, got.stdout, want.code, want.stdout)
	}
}
