package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shapes are the library's files of every shape of audit log.
const shapes = "../../auditlog/testdata/shapes"

// TestInputs runs the command on files of other shapes than a
// must-gather's and on input it cannot use, against golden outputs: what
// was read, in which shape, and what was not, says stderr.
func TestInputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"aks-export-by-user", []string{"-f", shapes + "/aks-export.json", "--by=user", "-otop"}, 0},
		{"aks-export-cut-listing", []string{"-f", shapes + "/aks-export-cut.json"}, 3},
		{"gke-listing", []string{"-f", shapes + "/gke-entries.json", "-o", "wide"}, 0},
		{"eventlist-and-array", []string{"-f", shapes + "/eventlist.json", "-f", shapes + "/events-array.json", "--by=verb", "-otop"}, 0},
		{"cloudwatch-by-resource", []string{"-f", shapes + "/cloudwatch-filter-log-events.json," + shapes + "/cloudwatch-insights.json", "--by=resource", "-otop"}, 0},
		{"no-events", []string{"-f", shapes + "/not-gzip.log.gz", "-f", "testdata/no-logs/notes.txt", "--by=user", "-otop"}, 1},
		{"no-events-one-file", []string{"-f", "testdata/no-logs/notes.txt", "--by=user", "-otop"}, 1},
		{"no-events-listing", []string{"-f", "testdata/no-logs/notes.txt"}, 1},
		{"no-match", []string{"-f", shapes + "/events-jq.json", "--user=nobody", "--by=user", "-otop"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", r.code, tc.code, r.stderr)
			}
			golden(t, filepath.Join("inputs", tc.name+".stdout"), r.stdout)
			golden(t, filepath.Join("inputs", tc.name+".stderr"), r.stderr)
		})
	}
}

// TestNoEventsInDirectory: a directory given with -f whose files hold no
// audit event is exit status 1, with every file looked at and why.
func TestNoEventsInDirectory(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.log":    "I0207 22:15:16.000000 1 main.go:1] hello\n",
		"b.log":    `{"apiVersion":"v1","kind":"ConfigMap"}` + "\n",
		"c.log.gz": "PK\x03\x04 zip, not gzip",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runCmd(t, "-f", dir, "--by=user", "-otop")
	if r.code != 1 || len(r.stdout) != 0 {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", r.code, r.stdout)
	}
	stderr := strings.ReplaceAll(string(r.stderr), dir+string(filepath.Separator), "")
	want := "a.log: no audit events: not an audit log (1 line of bad JSON)\n" +
		"b.log: no audit events: not an audit log (1 JSON value that is no audit event)\n" +
		"c.log.gz: no audit events: not gzip\n"
	if !strings.HasPrefix(stderr, want) || !strings.HasSuffix(stderr, "error: no audit events in 3 files: 2 not audit logs, 1 not gzip.\n") {
		t.Errorf("stderr:\n%s\nwant it to start with\n%s", stderr, want)
	}
}

// TestStdin: -f - reads standard input, here the kube-apiserver logs of the
// sample, gzipped into one stream: the same answer as the files, also when
// the question needs two passes (--since=-30m).
func TestStdin(t *testing.T) {
	files, err := filepath.Glob(kubeAPIServer + "/*-audit*.log*")
	if err != nil || len(files) != 12 {
		t.Fatalf("%d kube-apiserver files, %v", len(files), err)
	}
	// The files, decompressed, into one gzip stream (of the fastest level:
	// any level is one gzip stream to the reader), without holding them.
	stdin := filepath.Join(t.TempDir(), "stdin")
	out, err := os.Create(stdin)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestSpeed)
	for _, f := range files {
		if err := copyDecompressed(zw, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--by=user", "-otop=5"}, {"--since=-30m", "--by=verb", "-otop=2"}} {
		in, err := os.Open(stdin)
		if err != nil {
			t.Fatal(err)
		}
		old := os.Stdin
		os.Stdin = in
		got := runCmd(t, append([]string{"-f", "-"}, args...)...)
		os.Stdin = old
		in.Close()
		want := runCmd(t, append([]string{"-f", kubeAPIServer}, args...)...)
		if got.code != 0 || len(got.stdout) == 0 || !bytes.Equal(got.stdout, want.stdout) {
			t.Errorf("-f - %v: exit %d\n%s%s\nwant\n%s", args, got.code, got.stdout, got.stderr, want.stdout)
		}
	}
}

// copyDecompressed writes the content of the file at path to w,
// decompressed when its name ends in .gz.
func copyDecompressed(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		r = zr
	}
	_, err = io.Copy(w, r)
	return err
}
