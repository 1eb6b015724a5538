package export_test

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/internal/longtest"
)

// crashDirEnv names the directory the helper process exports into
// (TestCrashHelper); it is set only in that process.
const crashDirEnv = "AUDITLENS_EXPORT_CRASH_DIR"

// crashInput is what the helper exports: small, to keep the kills fast,
// in row groups of 16 KiB, a file each, to give the commit many files.
const crashInput = "../testdata/corpus/falco-k8s-audit"

// TestCrashHelper is the process TestCrash kills: it exports the sample
// into the directory crashDirEnv names, in many small files. It does
// nothing in a normal test run.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return // not the helper process
	}
	w, err := export.NewWriter(dir, export.Options{RowGroupBytes: 16 << 10, FileRowGroups: 1})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("ready\n") // the export starts: TestCrash's clock starts

	sources, err := auditlog.Find(crashInput)
	if err != nil {
		t.Fatal(err)
	}
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()})
	for e := range r.All() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCrash kills an export (SIGKILL) at points spread over its run, from
// its start to its commit, and reads what it left: either Verify finds it
// complete and it holds every event of the sample, or Verify reports it
// incomplete (or it is no export yet and holds no readable row): never a
// short count taken for complete. The README's test command kills five
// runs, at the start, a quarter, half and most of the way through, and past
// the end; the long run (AUDITLENS_LONG=1, a step of .ci/run) ten, every
// eighth of the way.
func TestCrash(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("in the helper process")
	}
	want := int64(len(readJSON(t, auditlog.FieldVerb, crashInput)))
	helper := func(dir string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		return cmd
	}
	// start starts a helper and waits until its export starts.
	start := func(dir string) *exec.Cmd {
		cmd := helper(dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "ready\n" {
			t.Fatalf("helper: %q, %v", line, err)
		}
		go io.Copy(io.Discard, out)
		return cmd
	}
	// A whole run, to know how long an export takes.
	whole := filepath.Join(t.TempDir(), "whole")
	cmd := start(whole)
	began := time.Now()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	took := time.Since(began)
	if c, err := export.Verify(whole); err != nil || !c.Complete() || rowsIn(t, whole) != want {
		t.Fatalf("a whole run: %v, %v", c, err)
	}
	kills := longtest.Pick(5, 10)
	var complete, incomplete, none int
	for i := range kills {
		dir := filepath.Join(t.TempDir(), "cut")
		cmd := start(dir)
		// From the start of the run to past its end (9/8 of it): the later
		// kills fall in the commit, or after it.
		time.Sleep(took * time.Duration(9*i) / time.Duration(8*(kills-1)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		c, err := export.Verify(dir)
		switch {
		case errors.Is(err, export.ErrNotExport) || errors.Is(err, os.ErrNotExist):
			// Killed before any file was committed: nothing a reader reads.
			if n := rowsIn(t, dir); n != 0 {
				t.Errorf("kill %d: no export, but %d rows read", i, n)
			}
			none++
		case err != nil:
			t.Fatalf("kill %d: %v", i, err)
		case c.Complete():
			if n := rowsIn(t, dir); n != want {
				t.Errorf("kill %d: complete by its manifest, but %d rows, want %d", i, n, want)
			}
			complete++
		default:
			incomplete++
		}
	}
	t.Logf("a run takes %v; of %d kills: %d before any commit, %d incomplete, %d complete", took, kills, none, incomplete, complete)
}

// rowsIn is the number of events auditlog reads from dir (0 when there
// is no dir).
func rowsIn(t *testing.T, dir string) int64 {
	t.Helper()
	sources, err := auditlog.Find(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true})
	var n int64
	for range r.All() {
		n++
	}
	return n
}
