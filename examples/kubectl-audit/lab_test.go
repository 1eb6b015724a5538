package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/internal/longtest"
)

// labCommands are the commands of the support lab (anchor lab.txt), with
// the must-gather path replaced by the committed sample. The lab's
// --resource='.' and '-tokenreviews.' are *.* patterns a renderer ate; they
// are kept as the lab writes them.
var labCommands = []struct {
	name string
	args []string
}{
	{"01-get-listing", []string{"--verb=get", "--resource=.", "--resource=-subjectaccessreviews.", "--resource=-tokenreviews."}},
	{"02-by-resource", []string{"--by=resource", "-otop"}},
	{"03-by-user", []string{"--by=user", "-otop"}},
	{"04-nodes-by-user", []string{"--resource=nodes", "-otop", "--by=user"}},
	{"05-configmaps-by-user", []string{"--resource=configmaps", "-otop", "--by=user"}},
	{"06-pods-by-user", []string{"--resource=pods", "-otop", "--by=user"}},
	{"07-sysdig-by-verb", []string{"--user=system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent", "--by=verb", "-otop"}},
}

// labArgs are a lab command's arguments, reading the committed sample.
func labArgs(args []string, extra ...string) []string {
	return append(append([]string{"-f", kubeAPIServer}, args...), extra...)
}

// TestLab runs every command of the lab on the sample and compares its
// whole stdout and stderr with golden files.
func TestLab(t *testing.T) {
	for _, c := range labCommands {
		t.Run(c.name, func(t *testing.T) {
			runGolden(t, "lab/"+c.name, labArgs(c.args)...)
		})
	}
}

// TestLabStableAcrossWorkers checks that every lab command prints the same
// bytes every time, whatever the number of workers: the golden files of
// TestLab (the default number of workers) with 1 or 8 workers in turn
// (each command with both, AUDITLENS_LONG=1), and with AUDITLENS_LONG=1 (a
// step of .ci/run) also the bytes of --workers=1 with 1, 2 and 8 workers.
func TestLabStableAcrossWorkers(t *testing.T) {
	for i, c := range labCommands {
		t.Run(c.name, func(t *testing.T) {
			if !longtest.Enabled() {
				runGolden(t, "lab/"+c.name, labArgs(c.args, "--workers="+[]string{"1", "8"}[i%2])...)
				return
			}
			for _, w := range []string{"1", "8"} {
				runGolden(t, "lab/"+c.name, labArgs(c.args, "--workers="+w)...)
			}
			want := runCmd(t, labArgs(c.args, "--workers=1")...)
			for _, w := range []string{"1", "2", "8"} {
				got := runCmd(t, labArgs(c.args, "--workers="+w)...)
				if got.code != want.code || !bytes.Equal(got.stdout, want.stdout) || !bytes.Equal(got.stderr, want.stderr) {
					t.Errorf("--workers=%s: output differs from --workers=1", w)
				}
			}
		})
	}
}

// TestLabFindsTheCulprit checks the lab's answer against the sample's
// truth.json: the sysdig agent is the top user, with its exact count, and
// each node's /proxy/metrics group shows every one of its requests refused
// (403-<count>).
func TestLabFindsTheCulprit(t *testing.T) {
	tr := loadTruth(t)
	m := tr.Metrics403
	if m.Username == "" || len(m.Nodes) == 0 {
		t.Fatal("truth.json has no metrics403 scenario")
	}

	r := runCmd(t, labArgs([]string{"--by=user", "-otop"})...)
	lines := strings.Split(string(r.stdout), "\n")
	wantSummary := fmt.Sprintf("count: %d,", tr.Kube.Count)
	if !strings.HasPrefix(lines[0], wantSummary) {
		t.Errorf("summary line %q, want it to start with %q", lines[0], wantSummary)
	}
	top := regexp.MustCompile(`^(\d+)x +(\S+)$`).FindStringSubmatch(lines[1])
	if top == nil || top[2] != m.Username || top[1] != strconv.FormatInt(m.Requests, 10) {
		t.Errorf("first user row %q, want %dx %s", lines[1], m.Requests, m.Username)
	}
	for i, u := range tr.Users[:10] {
		if got, want := strings.Fields(lines[1+i]), []string{fmt.Sprintf("%dx", u.Count), u.Key}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("user row %d = %q, want %q", i+1, got, want)
		}
	}

	// Every node's group, not only the top 10: -otop=N with N = node count.
	n := strconv.Itoa(len(m.Nodes))
	r = runCmd(t, "-f", kubeAPIServer, "--user="+m.Username, "--by=verb", "-otop="+n)
	out := string(r.stdout)
	if want := fmt.Sprintf("Top %s \"GET\" (of %d total hits):", n, m.Gets); !strings.Contains(out, want) {
		t.Errorf("no %q header in:\n%s", want, out)
	}
	for _, node := range m.Nodes {
		uri := "/api/v1/nodes/" + node.Key + "/proxy/metrics"
		re := regexp.MustCompile(`(?m)^ *(\d+)x \[[^\]]*\] \[([^\]]*)\] ` + regexp.QuoteMeta(uri) + ` +\[` + regexp.QuoteMeta(m.Username) + `\]$`)
		g := re.FindStringSubmatch(out)
		if g == nil {
			t.Errorf("no group for %s", uri)
			continue
		}
		if want := fmt.Sprintf("403-%d", node.Count); g[1] != strconv.FormatInt(node.Count, 10) || g[2] != want {
			t.Errorf("%s: %sx [%s], want %dx [%s]", uri, g[1], g[2], node.Count, want)
		}
	}
}
