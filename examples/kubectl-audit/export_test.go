package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/export"
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
	// Appending logs the export holds already doubles nothing: refused, or
	// left out with --skip-exported.
	if r := runCmd(t, "export", "-f", kubeAPIServer, "--to", out, "--cluster", "two", "--append", "--user=alice"); r.code != 2 || !strings.Contains(string(r.stderr), "is already in the export") {
		t.Errorf("--append of exported logs: exit %d, %s", r.code, r.stderr)
	}
	if r := runCmd(t, "export", "-f", kubeAPIServer, "--to", out, "--append", "--skip-exported"); r.code != 0 || !bytes.HasPrefix(r.stdout, []byte("exported 0 events to 0 Parquet files")) {
		t.Errorf("--append --skip-exported: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if r := runCmd(t, "-f", out, "-o", "stats"); r.code != 0 || !bytes.Contains(r.stdout, []byte("23000")) {
		t.Errorf("after the appends: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if r := runCmd(t, "export", "-f", mustGather, "--to", t.TempDir(), "-o", "top"); r.code != 2 {
		t.Errorf("export -o top: exit %d, want 2 (%s)", r.code, r.stderr)
	}
	if r := runCmd(t, "export", "-f", mustGather); r.code != 2 || !strings.Contains(string(r.stderr), "--to") {
		t.Errorf("export without --to: exit %d, %s", r.code, r.stderr)
	}
}

// TestExportIncompleteOrPartial: reading an export whose manifest does not
// match what is there answers from what is there and exits 1; an export
// that --where failed on some events says so and exits 3.
func TestExportIncompleteOrPartial(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lab")
	if r := runCmd(t, "export", "-f", kubeAPIServer, "--to", out); r.code != 0 {
		t.Fatalf("export: exit %d, %s", r.code, r.stderr)
	}
	if r := runCmd(t, "-f", out, "-o", "stats"); r.code != 0 || strings.Contains(string(r.stderr), "incomplete") {
		t.Errorf("a whole export: exit %d, %s", r.code, r.stderr)
	}
	// -v says what each Parquet file held: its rows, not "empty".
	if r := runCmd(t, "-f", out, "-o", "stats", "-v"); r.code != 0 || !strings.Contains(string(r.stderr), ".parquet: Parquet export: ") ||
		strings.Contains(string(r.stderr), "no audit events") {
		t.Errorf("-v on an export: exit %d, %s", r.code, r.stderr)
	}
	if err := os.Remove(filepath.Join(out, export.SuccessName)); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "-f", out+"/cluster=default", "--by=verb", "-otop=1")
	if r.code != 1 || !bytes.HasPrefix(r.stdout, []byte("count: 20000,")) ||
		!strings.Contains(string(r.stderr), "is incomplete: no _SUCCESS marker") {
		t.Errorf("without _SUCCESS: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}

	where := runCmd(t, "export", "-f", kubeAPIServer, "--to", t.TempDir(), "--where=userAgent.matches(user.username + '(')")
	if where.code != 3 || !strings.Contains(string(where.stderr), "could not be evaluated by --where") {
		t.Errorf("export with --where failing: exit %d, stderr %s", where.code, where.stderr)
	}
}

// TestBaselineExportChecked: an export given as --baseline (compare, and
// -o html's section) is checked against its manifest as one given with -f
// is: whole, the answer is complete (exit 0); without its _SUCCESS marker,
// the answer is given from what it holds, stderr says which export is
// incomplete and why, and the exit status is 1 (an incomplete export).
func TestBaselineExportChecked(t *testing.T) {
	// One rotated file of the sample: the checks are of the export's
	// marker, whatever it holds.
	const input = kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz"
	base := filepath.Join(t.TempDir(), "base")
	if r := runCmd(t, "export", "-f", input, "--to", base); r.code != 0 {
		t.Fatalf("export: exit %d, %s", r.code, r.stderr)
	}
	asks := map[string][]string{
		"compare":  {"compare", "--baseline", base, "-f", input},
		"-o html":  {"-o", "html", "--baseline", base, "-f", input},
		"a folder": {"compare", "--baseline", base + "/cluster=default", "-f", input, "--format=json"},
	}
	whole := map[string]result{}
	for name, args := range asks {
		r := runCmd(t, args...)
		if r.code != 0 || strings.Contains(string(r.stderr), "incomplete") || len(r.stdout) == 0 {
			t.Errorf("%s against a whole export: exit %d, %s", name, r.code, r.stderr)
		}
		whole[name] = r
	}
	if err := os.Remove(filepath.Join(base, export.SuccessName)); err != nil {
		t.Fatal(err)
	}
	for name, args := range asks {
		r := runCmd(t, args...)
		if r.code != 1 || !strings.Contains(string(r.stderr), "Baseline export "+base+" is incomplete: no _SUCCESS marker") ||
			!strings.Contains(string(r.stderr), "an export read is incomplete") {
			t.Errorf("%s against an export without _SUCCESS: exit %d, %s", name, r.code, r.stderr)
		}
		// The answer is what the export holds: here, all of it.
		if name != "-o html" && !bytes.Equal(r.stdout, whole[name].stdout) {
			t.Errorf("%s against an export without _SUCCESS answers otherwise:\n%s\nwant:\n%s", name, r.stdout, whole[name].stdout)
		}
	}
	// The subject's exports are said as before: "Export", not "Baseline export".
	r := runCmd(t, "compare", "--baseline", input, "-f", base)
	if r.code != 1 || !strings.Contains(string(r.stderr), "\nExport "+base+" is incomplete") && !strings.HasPrefix(string(r.stderr), "Export "+base+" is incomplete") {
		t.Errorf("an incomplete subject export: exit %d, %s", r.code, r.stderr)
	}
}
