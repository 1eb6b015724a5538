package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Paths of the committed samples, from this package's directory.
const (
	mustGather    = "../../testdata/must-gather"
	kubeAPIServer = mustGather + "/audit_logs/kube-apiserver"
	mustGatherBad = "../../testdata/must-gather-bad"
)

// result is what one run of the command wrote and returned.
type result struct {
	code           int
	stdout, stderr []byte
}

// runCmd runs the command with args.
func runCmd(t testing.TB, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return result{code: code, stdout: out.Bytes(), stderr: errb.Bytes()}
}

// gzipGoldenAbove is the size from which a golden file is stored gzipped.
const gzipGoldenAbove = 256 << 10

// golden compares got with testdata/name (or name.gz for big outputs), or
// rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.Remove(path)
		os.Remove(path + ".gz")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if len(got) > gzipGoldenAbove {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(got)
			zw.Close()
			path, got = path+".gz", buf.Bytes()
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := readGolden(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, head(got), head(want))
	}
}

// readGolden reads path, or path.gz decompressed.
func readGolden(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		return b, nil
	}
	f, err := os.Open(path + ".gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// head is the start of a long output, for error messages.
func head(b []byte) []byte {
	if len(b) > 4000 {
		return append(b[:4000:4000], "\n..."...)
	}
	return b
}

// truth is the part of the sample's truth.json the tests check.
type truth struct {
	Kube struct {
		Count int64 `json:"count"`
	} `json:"kube"`
	Users      []keyCount `json:"users"`
	Resources  []keyCount `json:"resources"`
	Metrics403 struct {
		Username  string     `json:"username"`
		Requests  int64      `json:"requests"`
		Gets      int64      `json:"gets"`
		Forbidden int64      `json:"forbidden"`
		Nodes     []keyCount `json:"nodes"`
	} `json:"metrics403"`
	Throttled struct {
		Username        string `json:"username"`
		TooManyRequests int64  `json:"tooManyRequests"`
		First429        string `json:"first429"`
		Last429         string `json:"last429"`
	} `json:"throttled"`
}

type keyCount struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// loadTruth reads the sample's truth.json.
func loadTruth(t testing.TB) truth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(mustGather, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// runGolden runs the command, which must succeed, and compares its stdout
// and stderr with the golden files NAME.stdout and NAME.stderr.
func runGolden(t *testing.T, name string, args ...string) {
	t.Helper()
	runGoldenStatus(t, name, 0, args...)
}

// runGoldenStatus is runGolden for a run whose exit status is code.
func runGoldenStatus(t *testing.T, name string, code int, args ...string) {
	t.Helper()
	r := runCmd(t, args...)
	if r.code != code {
		t.Fatalf("exit status %d, want %d, stderr:\n%s", r.code, code, r.stderr)
	}
	golden(t, name+".stdout", r.stdout)
	golden(t, name+".stderr", r.stderr)
}

// runHelperArgs runs the command with the arguments after "--" of a test
// binary started again as a helper process, and returns its exit status.
func runHelperArgs() int {
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	return run(args, os.Stdout, os.Stderr)
}
