package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// fewFilesEnv, in the environment of the test binary, makes
// TestExportFewFiles's helper run: the export, with at most the number of
// open files it says.
const fewFilesEnv = "KUBECTL_AUDIT_TEST_NOFILE"

// TestExportFewFilesHelper is the process TestExportFewFiles starts: under
// RLIMIT_NOFILE of fewFilesEnv, it runs the command with the arguments
// after "--" and exits with its status. It does nothing in a normal run.
func TestExportFewFilesHelper(t *testing.T) {
	limit := os.Getenv(fewFilesEnv)
	if limit == "" {
		return // not the helper process
	}
	n, err := strconv.ParseUint(limit, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
		t.Fatal(err)
	}
	os.Exit(runHelperArgs())
}

// TestExportFewFiles: a directory of 500 small audit logs spanning hours
// is exported whole under `ulimit -n 64`: open files are bounded whatever
// the number of inputs (each input once gave files of its own, all open).
func TestExportFewFiles(t *testing.T) {
	if os.Getenv(fewFilesEnv) != "" {
		t.Skip("in the helper process")
	}
	gz, err := os.Open(kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimSuffix(all, []byte("\n")), []byte("\n"))
	in := t.TempDir()
	const inputs = 500
	per := (len(lines) + inputs - 1) / inputs
	for i := range inputs {
		chunk := lines[min(i*per, len(lines)):min((i+1)*per, len(lines))]
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("audit-%03d.log", i)), bytes.Join(chunk, nil), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "pq")
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportFewFilesHelper$", "-test.count=1", "--",
		"export", "-f", in, "--to", out, "--stage=", "--workers=4")
	cmd.Env = append(os.Environ(), fewFilesEnv+"=64")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	want := fmt.Sprintf("exported %d events to ", len(lines))
	if err != nil || !bytes.HasPrefix(stdout.Bytes(), []byte(want)) {
		t.Fatalf("export of %d files under ulimit -n 64: %v\nstdout %s\nstderr %s", inputs, err, stdout.Bytes(), stderr.Bytes())
	}
	if r := runCmd(t, "-f", out, "--stage=", "-o", "stats"); r.code != 0 || !bytes.Contains(r.stdout, []byte(strconv.Itoa(len(lines)))) {
		t.Errorf("reading it back: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}
}
