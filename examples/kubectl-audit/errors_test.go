package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrors checks exit statuses and that each error is one sentence on
// stderr with nothing on stdout.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing path", []string{"-f", "does/not/exist"}, 1, "error: cannot read audit logs: does/not/exist (no such file or directory)."},
		{"no input", []string{"--by=user", "-otop"}, 2, "error: no input: give audit log files or directories with -f."},
		{"unknown flag", []string{"-f", kubeAPIServer, "--bogus"}, 2, "error: unknown flag: --bogus."},
		{"bad output", []string{"-f", kubeAPIServer, "-o", "yaml"}, 2, `error: invalid --output value "yaml"`},
		{"bad top N", []string{"-f", kubeAPIServer, "-o", "top=x", "--by=user"}, 2, `error: invalid --output value "top=x": N must be`},
		{"top without by", []string{"-f", kubeAPIServer, "-otop"}, 2, "error: -o top needs --by"},
		{"bad by", []string{"-f", kubeAPIServer, "-otop", "--by=colour"}, 2, `error: invalid --by value "colour"`},
		{"bad stage", []string{"-f", kubeAPIServer, "--stage=Done"}, 2, `error: invalid --stage value "Done"`},
		{"bad status", []string{"-f", kubeAPIServer, "--http-status-code=abc"}, 2, `error: invalid --http-status-code value "abc"`},
		{"bad duration", []string{"-f", kubeAPIServer, "--duration=soon"}, 2, `error: invalid --duration value "soon"`},
		{"bad before", []string{"-f", kubeAPIServer, "--before=yesterday"}, 2, `error: invalid --before value "yesterday"`},
		{"bad bucket", []string{"-f", kubeAPIServer, "-o", "histogram", "--bucket=0s"}, 2, `error: invalid --bucket value "0s"`},
		{"bad format", []string{"-f", kubeAPIServer, "--by=user", "-otop", "--format=xml"}, 2, `error: invalid --format value "xml"`},
		{"format on listing", []string{"-f", kubeAPIServer, "--format=csv"}, 2, "error: --format=csv applies to"},
		{"bad workers", []string{"-f", kubeAPIServer, "--workers=-1"}, 2, "error: invalid --workers value -1"},
		{"regex without dir", []string{"-f", kubeAPIServer, "--artifact-regex=x"}, 2, "error: --artifact-regex needs --artifact-dir."},
		{"latency without by", []string{"-f", kubeAPIServer, "-o", "latency"}, 2, "error: -o latency needs --by"},
		{"bad latency N", []string{"-f", kubeAPIServer, "-o", "latency=0", "--by=user"}, 2, `error: invalid --output value "latency=0": N must be`},
		{"bad throttling N", []string{"-f", kubeAPIServer, "-o", "throttling=-3"}, 2, `error: invalid --output value "throttling=-3": N must be`},
		{"N on stats", []string{"-f", kubeAPIServer, "-o", "stats=3"}, 2, `error: invalid --output value "stats=3": only csv, histogram, html, latency, throttling and top take =N`},
		{"bad sort", []string{"-f", kubeAPIServer, "-o", "latency", "--by=user", "--sort=p50"}, 2, `error: invalid --sort value "p50": expected count, p99, max, mean`},
		{"window without by", []string{"-f", kubeAPIServer, "-o", "histogram", "--window=+1m,+2m"}, 2, "error: --window needs --by"},
		{"window one time", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--window=+10m"}, 2, `error: invalid --window value "+10m": expected FROM,TO`},
		{"window three times", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--window=+1m,+2m,+3m"}, 2, `error: invalid --window value "+1m,+2m,+3m": expected FROM,TO`},
		{"window bad from", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--window=noon,+2m"}, 2, `error: invalid --window value "noon,+2m": FROM must be`},
		{"window bad to", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--window=+1m,soon"}, 2, `error: invalid --window value "+1m,soon": TO must be`},
		{"window backwards", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--window=+20m,+10m"}, 2, `error: invalid --window value "+20m,+10m": FROM (`},
		{"window backwards mixed", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--window=+20m,2022-02-07T22:00:00Z"}, 2, `error: invalid --window value "+20m,2022-02-07T22:00:00Z": FROM (2022-02-07T22:35:16.`},
		{"window in one bucket", []string{"-f", kubeAPIServer, "-o", "histogram", "--by=user", "--bucket=1h", "--window=2022-02-07T22:10:00Z,2022-02-07T22:20:00Z"}, 2, `error: invalid --window value "2022-02-07T22:10:00Z,2022-02-07T22:20:00Z": no 1h0m0s bucket starts in it`},
		{"html as json", []string{"-f", kubeAPIServer, "-o", "html", "--format=json"}, 2, "error: --format=json does not apply to -o html, which writes an HTML page."},
		{"html as csv", []string{"-f", kubeAPIServer, "-o", "html=3", "--format=csv"}, 2, "error: --format=csv does not apply to -o html"},
		{"bad html N", []string{"-f", kubeAPIServer, "-o", "html=0"}, 2, `error: invalid --output value "html=0": N must be`},
		{"html bad bucket", []string{"-f", kubeAPIServer, "-o", "html", "--bucket=-1m"}, 2, `error: invalid --bucket value "-1m"`},
		{"no audit logs", []string{"-f", "testdata/no-logs"}, 1, "error: no audit log files found in testdata/no-logs (looked at 1 file: testdata/no-logs/notes.txt (not an audit log name))."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit status %d, want %d (stderr %q)", r.code, tc.code, r.stderr)
			}
			if len(r.stdout) != 0 {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			first, _, _ := strings.Cut(string(r.stderr), "\n")
			if !strings.HasPrefix(first, tc.msg) || !strings.HasSuffix(first, ".") {
				t.Errorf("stderr first line %q, want a sentence starting with %q", first, tc.msg)
			}
		})
	}
}

// TestEmptyResult: nothing matched is a success with a note on stderr,
// which names the filter that kept nothing.
func TestEmptyResult(t *testing.T) {
	r := runCmd(t, "-f", kubeAPIServer, "--user=nobody", "--by=user", "-otop")
	if r.code != 0 || len(r.stdout) != 0 {
		t.Errorf("exit %d, stdout %q; want 0 and nothing", r.code, r.stdout)
	}
	if want := "No events matched the filters (22250 events read).\n--user=nobody matches no event\n"; string(r.stderr) != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

// TestHelp checks -h against a golden file (the README shows it).
func TestHelp(t *testing.T) {
	r := runCmd(t, "-h")
	if r.code != 0 {
		t.Fatalf("exit status %d", r.code)
	}
	golden(t, "help.txt", r.stdout)
}

// TestFlagsOfTheReference checks that every flag of kubectl-dev_tool audit
// exists with its shorthand and default.
func TestFlagsOfTheReference(t *testing.T) {
	cmd := newCommand(&options{}, nil, nil)
	for _, f := range []struct{ name, short, def string }{
		{"filename", "f", "[]"}, {"output", "o", ""}, {"uid", "", "[]"}, {"verb", "", "[]"},
		{"resource", "", "[]"}, {"subresource", "", "[]"}, {"namespace", "n", "[]"}, {"name", "", "[]"},
		{"user", "", "[]"}, {"by", "", ""}, {"failed-only", "", "false"}, {"http-status-code", "", "[]"},
		{"before", "", ""}, {"after", "", ""}, {"stage", "s", "[ResponseComplete]"}, {"duration", "", ""},
		{"field-manager", "", "[]"}, {"podsecurityviolations", "", ""}, {"artifact-dir", "", ""}, {"artifact-regex", "", ""},
	} {
		fl := cmd.Flags().Lookup(f.name)
		if fl == nil {
			t.Errorf("--%s is missing", f.name)
			continue
		}
		if fl.Shorthand != f.short || fl.DefValue != f.def {
			t.Errorf("--%s: shorthand %q default %q, want %q and %q", f.name, fl.Shorthand, fl.DefValue, f.short, f.def)
		}
	}
}

// TestCommaAndRepeat: a list flag may be repeated or comma-separated, with
// the same result.
func TestCommaAndRepeat(t *testing.T) {
	a := runCmd(t, "-f", kubeAPIServer, "--verb=get,list", "--by=verb", "-otop=1")
	b := runCmd(t, "-f", kubeAPIServer, "--verb=get", "--verb=list", "--by=verb", "-otop=1")
	if a.code != 0 || string(a.stdout) != string(b.stdout) {
		t.Errorf("--verb=get,list and --verb=get --verb=list differ:\n%s\n%s", a.stdout, b.stdout)
	}
	if !strings.Contains(string(a.stdout), `"GET"`) || !strings.Contains(string(a.stdout), `"LIST"`) || strings.Contains(string(a.stdout), `"WATCH"`) {
		t.Errorf("--verb=get,list output:\n%s", a.stdout)
	}
	c := runCmd(t, "-f", kubeAPIServer+","+kubeAPIServer, "--by=user", "-otop=1")
	d := runCmd(t, "-f", kubeAPIServer, "--by=user", "-otop=1")
	if string(c.stdout) != string(d.stdout) {
		t.Errorf("-f a,a reads a twice:\n%s", c.stdout)
	}
}

// TestArtifactDir reads the files of --artifact-dir that match the
// default regex: the same as -f on the directory's audit logs.
func TestArtifactDir(t *testing.T) {
	a := runCmd(t, "--artifact-dir", kubeAPIServer, "--by=user", "-otop=3")
	b := runCmd(t, "-f", kubeAPIServer, "--by=user", "-otop=3")
	if a.code != 0 || string(a.stdout) != string(b.stdout) {
		t.Errorf("--artifact-dir:\n%s\nwant:\n%s", a.stdout, b.stdout)
	}
}

// TestUnreadableFileExits3: a file that cannot be read at all (here, named
// .gz but neither gzip nor text) is named in the report and makes the exit
// status 3 (a partial answer), while the answer from the other files is
// still printed; --allow-partial makes it 0.
func TestUnreadableFileExits3(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit.log")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "audit.log"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "audit-1.log.gz"), []byte{0, 1, 2, 3, 0xff, 0xfe, 7, 8, 9}, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "-f", dir, "--by=user", "-otop=1")
	if r.code != 3 || !bytes.HasPrefix(r.stdout, []byte("count: ")) ||
		!strings.Contains(string(r.stderr), "audit-1.log.gz") || !strings.Contains(string(r.stderr), "error: the answer is partial: part of the input could not be read") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 3, the answer, and the file named", r.code, r.stdout, r.stderr)
	}
	allowed := runCmd(t, "-f", dir, "--by=user", "-otop=1", "--allow-partial")
	if allowed.code != 0 || !bytes.Equal(allowed.stdout, r.stdout) || strings.Contains(string(allowed.stderr), "error:") {
		t.Errorf("--allow-partial: exit %d, stderr %q; want 0 and the same answer", allowed.code, allowed.stderr)
	}
}

// TestCompareCommand: compare needs a baseline (exit 2), and says what
// changed between two windows of the sample on stdout.
func TestCompareCommand(t *testing.T) {
	r := runCmd(t, "compare", "-f", kubeAPIServer)
	if r.code != 2 || !strings.Contains(string(r.stderr), "compare needs a baseline") {
		t.Errorf("no baseline: exit %d, %s", r.code, r.stderr)
	}
	r = runCmd(t, "compare", "-f", kubeAPIServer, "--baseline-until=+1h", "--since=-1h", "--by=resource")
	if r.code != 0 || !strings.HasPrefix(string(r.stdout), "baseline: 2022-02-07T22:15:16Z .. 2022-02-07T23:15:15Z") ||
		!strings.Contains(string(r.stdout), "No resource changed beyond the thresholds") {
		t.Errorf("two windows: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestFindingsSamplesWithVerbose: the findings' text keeps each row's ten
// sample auditIDs for -v; without it, the JSON carries them.
func TestFindingsSamplesWithVerbose(t *testing.T) {
	quiet := runCmd(t, "-f", kubeAPIServer, "-o", "findings")
	verbose := runCmd(t, "-f", kubeAPIServer, "-o", "findings", "-v")
	if quiet.code != 0 || strings.Contains(string(quiet.stdout), "samples: kubectl audit") {
		t.Errorf("without -v: exit %d, samples inline", quiet.code)
	}
	if verbose.code != 0 || !strings.Contains(string(verbose.stdout), "samples: kubectl audit") {
		t.Errorf("with -v: exit %d, no samples", verbose.code)
	}
}

// TestCompareBaselinePartial: a baseline read in part makes the
// comparison partial (exit 3), as the subject would.
func TestCompareBaselinePartial(t *testing.T) {
	r := runCmd(t, "compare", "--baseline", mustGatherBad, "-f", kubeAPIServer)
	if r.code != 3 || !strings.Contains(string(r.stderr), "the answer is partial") {
		t.Errorf("a partial baseline: exit %d\n%s", r.code, r.stderr)
	}
}
