package main

import (
	"strings"
	"testing"
)

// TestUnusedFlagsWarn: a flag the chosen view does not read is ignored
// with one warning line on stderr naming the views that read it, for
// every view (the HTML page and listings too); the exit status and the
// answer are those without the flag. It reads one rotated file of the
// sample (2439 events, 165 creates, an hour): the warnings are the flags',
// whatever the input, and the answers are compared on what it holds.
func TestUnusedFlagsWarn(t *testing.T) {
	const input = kubeAPIServer + "/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz"
	for _, tc := range []struct {
		name  string
		args  []string
		warns []string
	}{
		{"by on stats", []string{"-o", "stats", "--by=user"}, []string{"warning: --by is ignored by -o stats; it is read by -o csv, histogram, latency and top"}},
		{"by on findings", []string{"-o", "findings", "--by=verb"}, []string{"warning: --by is ignored by -o findings; it is read by -o csv, histogram, latency and top"}},
		{"by on html", []string{"-o", "html", "--by=user"}, []string{"warning: --by is ignored by -o html, whose tables have their own keys; it is read by -o csv, histogram, latency and top"}},
		{"sort on top", []string{"-otop", "--by=user", "--sort=p99"}, []string{"warning: --sort is ignored by -o top; it is read by -o latency"}},
		{"window on top", []string{"-otop", "--by=user", "--window=+1m,+2m"}, []string{"warning: --window is ignored by -o top; it is read by -o histogram"}},
		{"bucket on throttling", []string{"-o", "throttling", "--bucket=5m"}, []string{"warning: --bucket is ignored by -o throttling; it is read by -o histogram and html"}},
		{"all on a listing", []string{"-o", "wide", "--by=user", "--sort=max", "--window=+1m,+2m", "--bucket=5m"}, []string{
			"warning: --by is ignored by -o wide; it is read by -o csv, histogram, latency and top",
			"warning: --sort is ignored by -o wide; it is read by -o latency",
			"warning: --window is ignored by -o wide; it is read by -o histogram",
			"warning: --bucket is ignored by -o wide; it is read by -o histogram and html",
		}},
		{"by on the default listing", []string{"--by=user"}, []string{"warning: --by is ignored by the event listing (no -o); it is read by -o csv, histogram, latency and top"}},
		{"used flags", []string{"-o", "histogram", "--by=user", "--bucket=5m", "--window=+1m,+20m"}, nil},
		{"latency sort", []string{"-o", "latency", "--by=user", "--sort=p99"}, nil},
		{"default bucket", []string{"-o", "stats"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-f", input, "--verb=create"}, tc.args...)
			r := runCmd(t, args...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			var warns []string
			for _, line := range strings.Split(string(r.stderr), "\n") {
				if strings.HasPrefix(line, "warning: ") {
					warns = append(warns, line)
				}
			}
			if strings.Join(warns, "\n") != strings.Join(tc.warns, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(tc.warns, "\n"))
			}
			if len(tc.warns) == 0 {
				return // no flag ignored: the command without them is this one
			}
			without := runCmd(t, append([]string{"-f", input, "--verb=create"}, withoutFlags(tc.args, tc.warns)...)...)
			if len(r.stdout) == 0 || string(without.stdout) != string(r.stdout) {
				t.Errorf("the answer differs from the answer without the ignored flags")
			}
		})
	}
}

// withoutFlags returns args without the flags warned about.
func withoutFlags(args, warns []string) []string {
	var out []string
	for _, a := range args {
		ignored := false
		for _, w := range warns {
			name, _, _ := strings.Cut(a, "=")
			if strings.HasPrefix(w, "warning: "+name+" ") {
				ignored = true
			}
		}
		if !ignored {
			out = append(out, a)
		}
	}
	return out
}
