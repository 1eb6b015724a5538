package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport: `export` writes the events, the copy answers as the logs do,
// a second export into it is a usage error unless --append, and the view
// flags do not apply to it.
func TestExport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lab")
	r := runCmd(t, "export", "-f", mustGather, "--to", out, "--cluster", "lab")
	if r.code != 0 || !bytes.HasPrefix(r.stdout, []byte("exported 23000 events to ")) {
		t.Fatalf("export: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"--by=user", "-otop"}, {"--by=verb", "-otop=3"}, {"-o", "findings"}, {"--verb=delete", "--resource=pods"}} {
		logs := runCmd(t, append([]string{"-f", mustGather}, args...)...)
		copy := runCmd(t, append([]string{"-f", out}, args...)...)
		// Findings repeat the -f paths in their commands.
		copy.stdout = bytes.ReplaceAll(copy.stdout, []byte(out), []byte(mustGather))
		if copy.code != 0 || !bytes.Equal(logs.stdout, copy.stdout) {
			t.Errorf("%v from the export differs from the logs:\n%s\nwant:\n%s", args, copy.stdout, logs.stdout)
		}
	}
	if r := runCmd(t, "export", "-f", mustGather, "--to", out); r.code != 2 || !strings.Contains(string(r.stderr), "--append") {
		t.Errorf("export into a non-empty directory: exit %d, %s", r.code, r.stderr)
	}
	if r := runCmd(t, "export", "-f", kubeAPIServer, "--to", out, "--cluster", "two", "--append", "--user=alice"); r.code != 0 {
		t.Errorf("--append: exit %d, %s", r.code, r.stderr)
	}
	if r := runCmd(t, "export", "-f", mustGather, "--to", t.TempDir(), "-o", "top"); r.code != 2 {
		t.Errorf("export -o top: exit %d, want 2 (%s)", r.code, r.stderr)
	}
	if r := runCmd(t, "export", "-f", mustGather); r.code != 2 || !strings.Contains(string(r.stderr), "--to") {
		t.Errorf("export without --to: exit %d, %s", r.code, r.stderr)
	}
}
