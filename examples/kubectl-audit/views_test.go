package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
	"github.com/auditlens/auditlens/internal/longtest"
)

// viewCommands exercise the views and keys beyond the reference's.
var viewCommands = []struct {
	name string
	args []string
}{
	{"csv-by-user", []string{"-f", kubeAPIServer, "--by=user", "-o", "csv=15"}},
	{"csv-by-verb", []string{"-f", kubeAPIServer, "--by=verb", "-o", "csv=3"}},
	{"top-by-useragent", []string{"-f", kubeAPIServer, "--by=useragent", "-otop"}},
	{"top-by-user-verb", []string{"-f", kubeAPIServer, "--by=user,verb", "-otop=5"}},
	{"top-by-httpstatus", []string{"-f", kubeAPIServer, "--by=httpstatus", "-otop=3"}},
	{"top-by-namespace", []string{"-f", kubeAPIServer, "--by=namespace", "-otop"}},
	{"top-by-server-mustgather", []string{"-f", mustGather, "--by=server", "-otop"}},
	{"top-by-node-stage-all", []string{"-f", kubeAPIServer, "--stage=", "--by=node,stage", "-otop=20"}},
	{"top-json", []string{"-f", kubeAPIServer, "--by=resource", "-otop=3", "--format=json"}},
	{"histogram-1m", []string{"-f", kubeAPIServer, "-o", "histogram", "--bucket=1m", "--since=+10m", "--until=+40m"}},
	{"histogram-10m-by-user", []string{"-f", mustGather, "-o", "histogram", "--bucket=10m", "--by=user"}},
	{"histogram-csv", []string{"-f", kubeAPIServer, "-o", "histogram", "--bucket=30m", "--by=verb", "--format=csv"}},
	{"stats", []string{"-f", kubeAPIServer, "-o", "stats"}},
	{"stats-csv", []string{"-f", kubeAPIServer, "-o", "stats", "--format=csv"}},
	{"wide-alice-deletes", []string{"-f", kubeAPIServer, "--user=alice", "--verb=delete", "-o", "wide"}},
	{"json-alice-deletes", []string{"-f", kubeAPIServer, "--user=alice", "--verb=delete", "-o", "json"}},
	{"throttled-429", []string{"-f", kubeAPIServer, "--http-status-code=429", "--by=user", "-otop"}},
	{"proxy-subresource", []string{"-f", kubeAPIServer, "--subresource=proxy", "--by=resource", "-otop"}},
	{"latency-by-user", []string{"-f", kubeAPIServer, "--by=user", "-o", "latency"}},
	{"latency-by-resource-p99", []string{"-f", kubeAPIServer, "--by=resource", "-o", "latency=5", "--sort=p99"}},
	{"latency-by-user-verb-csv", []string{"-f", kubeAPIServer, "--by=user,verb", "-o", "latency=5", "--format=csv"}},
	{"latency-json", []string{"-f", kubeAPIServer, "--by=verb", "-o", "latency=3", "--sort=max", "--format=json"}},
	{"throttling", []string{"-f", mustGather, "-o", "throttling"}},
	{"throttling-csv", []string{"-f", mustGather, "-o", "throttling=3", "--format=csv"}},
	{"throttling-json", []string{"-f", mustGather, "-o", "throttling=2", "--format=json"}},
	{"histogram-window", []string{"-f", mustGather, "-o", "histogram=5", "--bucket=10m", "--by=user", "--window=+60m,+100m"}},
	{"histogram-window-csv", []string{"-f", mustGather, "-o", "histogram=5", "--bucket=10m", "--by=user,verb", "--window=2022-02-07T23:20:00Z,2022-02-07T23:50:00Z", "--format=csv"}},
	{"histogram-window-json", []string{"-f", kubeAPIServer, "-o", "histogram=3", "--bucket=30m", "--by=resource", "--window=+30m,+1h", "--format=json"}},
	{"html", []string{"-f", mustGather, "-o", "html"}},
	{"html-filtered", []string{"-f", kubeAPIServer, "-o", "html=3", "--bucket=10m", "--verb=-watch", "--namespace=openshift-monitoring"}},
	{"html-bad-input", []string{"-f", mustGatherBad, "-o", "html=3"}},
	{"bad-input-report", []string{"-f", mustGatherBad, "--by=user", "-otop=3"}},
	{"findings", []string{"-f", mustGather, "-o", "findings"}},
	{"findings-json", []string{"-f", "../../testdata/findings", "-o", "findings", "--format=json"}},
	{"findings-csv", []string{"-f", "../../testdata/findings", "-o", "findings", "--format=csv"}},
	{"where-sa-403", []string{"-f", kubeAPIServer, "--where=user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403", "--by=verb", "-otop=2"}},
	{"where-failures", []string{"-f", kubeAPIServer, "--where=userAgent.matches(user.username + '(')", "--user=-system:*", "--by=user", "-otop=2"}},
	{"bad-input-report-verbose", []string{"-f", mustGatherBad, "--by=user", "-otop=3", "-v"}},
}

// partialViews are the views of input that could not all be read or
// evaluated: exit status 3 (exitPartial), the others 0.
var partialViews = map[string]int{
	"html-bad-input": exitPartial, "bad-input-report": exitPartial,
	"where-failures": exitPartial, "bad-input-report-verbose": exitPartial,
}

// TestViews compares the whole stdout and stderr of the new views with
// golden files.
func TestViews(t *testing.T) {
	for _, c := range viewCommands {
		t.Run(c.name, func(t *testing.T) {
			runGoldenStatus(t, "views/"+c.name, partialViews[c.name], c.args...)
		})
	}
}

// TestViewsStableAcrossWorkers runs the views with 1, 2 and 8 workers
// (AUDITLENS_LONG=1, a step of .ci/run): each prints the bytes of
// --workers=1. The README's test command runs the first view of each kind
// (viewKind: the -o view, bad input or --where; and the exit status, so
// that a --where that fails on some events is one) once, with 1 or 8
// workers in turn, and compares it with the golden files of TestViews (the
// default number of workers): every view's merge of its workers' parts, on
// fewer of its flag combinations and formats (a format writes the merged
// answer, after the workers).
func TestViewsStableAcrossWorkers(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range viewCommands {
		kind := fmt.Sprint(viewKind(c.args), " exit ", partialViews[c.name])
		first := !seen[kind]
		seen[kind] = true
		if !longtest.Enabled() && !first {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			if !longtest.Enabled() {
				workers := []string{"1", "8"}[len(seen)%2]
				runGoldenStatus(t, "views/"+c.name, partialViews[c.name], append(c.args, "--workers="+workers)...)
				return
			}
			want := runCmd(t, append(c.args, "--workers=1")...)
			for _, w := range []string{"2", "8"} {
				got := runCmd(t, append(c.args, "--workers="+w)...)
				if got.code != want.code || !bytes.Equal(got.stdout, want.stdout) || !bytes.Equal(got.stderr, want.stderr) {
					t.Errorf("--workers=%s: output differs from --workers=1", w)
				}
			}
		})
	}
}

// viewKind is the kind of a view's arguments, for the short run of
// TestViewsStableAcrossWorkers: its -o view without =N (the listing when
// none), and whether it reads bad input or has a --where.
func viewKind(args []string) string {
	view, extra := "listing", ""
	for i, a := range args {
		switch {
		case a == "-o" && i+1 < len(args):
			view = args[i+1]
		case strings.HasPrefix(a, "-o") && !strings.HasPrefix(a, "--"):
			view = strings.TrimPrefix(a, "-o")
		case a == mustGatherBad:
			extra += " bad"
		case strings.HasPrefix(a, "--where="):
			extra += " where"
		}
	}
	view, _, _ = strings.Cut(view, "=")
	return view + extra
}

// TestViewKind: the kinds the short run of TestViewsStableAcrossWorkers
// picks its views by.
func TestViewKind(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", kubeAPIServer, "--by=user", "-o", "csv=15"}, "csv"},
		{[]string{"-f", kubeAPIServer, "--by=user", "-otop=5"}, "top"},
		{[]string{"-f", kubeAPIServer, "-o", "latency=3", "--format=json"}, "latency"},
		{[]string{"-f", kubeAPIServer, "--user=alice"}, "listing"},
		{[]string{"-f", mustGatherBad, "-o", "html=3"}, "html bad"},
		{[]string{"-f", kubeAPIServer, "--where=verb == 'get'", "-otop"}, "top where"},
	} {
		if got := viewKind(c.args); got != c.want {
			t.Errorf("viewKind(%q) = %q, want %q", c.args, got, c.want)
		}
	}
	kinds := map[string]bool{}
	for _, c := range viewCommands {
		kinds[viewKind(c.args)] = true
	}
	t.Logf("%d kinds of %d views", len(kinds), len(viewCommands))
	if len(kinds) < 10 || len(kinds) == len(viewCommands) {
		t.Errorf("%d kinds of %d views: the short run picks too few or all", len(kinds), len(viewCommands))
	}
}

// TestMachineOutputsParse checks that CSV and JSON outputs parse and agree
// with the text view.
func TestMachineOutputsParse(t *testing.T) {
	tr := loadTruth(t)
	r := runCmd(t, "-f", kubeAPIServer, "--by=user", "-o", "csv")
	rows, err := csv.NewReader(bytes.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(tr.Users)+1 || rows[0][0] != "user" || rows[0][1] != "count" {
		t.Fatalf("-o csv: %d rows, header %v; want %d rows, header [user count]", len(rows), rows[0], len(tr.Users)+1)
	}
	if rows[1][0] != tr.Metrics403.Username {
		t.Errorf("-o csv first user %q, want %q", rows[1][0], tr.Metrics403.Username)
	}

	r = runCmd(t, "-f", kubeAPIServer, "--by=user", "-otop=1", "--format=json")
	var doc document
	if err := json.Unmarshal(r.stdout, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != format.DocumentVersion || doc.View != "top" || doc.Top == nil || len(doc.Top.Rows) != 1 ||
		doc.Top.Rows[0].Key != tr.Metrics403.Username || doc.Summary.Count != tr.Kube.Count {
		t.Errorf("JSON document %+v does not hold the top user and the count", doc)
	}
	if !strings.Contains(doc.Filter, "--stage=ResponseComplete") {
		t.Errorf("JSON document filter %q does not name the default stage", doc.Filter)
	}
}

// TestThrottlingTruth checks -o throttling against the sample's throttled
// controller: it comes first, with exactly its 429 count and the times of
// its first and last 429, in the text view and in the JSON document.
func TestThrottlingTruth(t *testing.T) {
	tr := loadTruth(t)
	want := tr.Throttled
	first, err := time.Parse(time.RFC3339Nano, want.First429)
	if err != nil {
		t.Fatal(err)
	}
	last, err := time.Parse(time.RFC3339Nano, want.Last429)
	if err != nil {
		t.Fatal(err)
	}

	r := runCmd(t, "-f", mustGather, "-o", "throttling=1", "--format=json")
	var doc document
	if err := json.Unmarshal(r.stdout, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.View != "throttling" || doc.Throttling == nil || len(doc.Throttling.Users) != 1 {
		t.Fatalf("JSON document %s has no throttling users", r.stdout)
	}
	u := doc.Throttling.Users[0]
	if u.User != want.Username || u.Rejected != want.TooManyRequests || !u.First.Equal(first) || !u.Last.Equal(last) {
		t.Errorf("first throttled user %s: %d 429s from %s to %s; want %s: %d from %s to %s", u.User, u.Rejected,
			u.First, u.Last, want.Username, want.TooManyRequests, first, last)
	}
	var perMinute int64
	for _, m := range doc.Throttling.PerMinute {
		perMinute += m.Count
	}
	if perMinute != doc.Throttling.Rejected || doc.Throttling.Rejected < want.TooManyRequests {
		t.Errorf("429s per minute add up to %d, total %d; want the total, at least %d", perMinute,
			doc.Throttling.Rejected, want.TooManyRequests)
	}

	r = runCmd(t, "-f", mustGather, "-o", "throttling")
	lines := strings.Split(string(r.stdout), "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "429s ") })
	if i < 0 || i+1 >= len(lines) {
		t.Fatalf("no users table in:\n%s", r.stdout)
	}
	row := strings.Fields(lines[i+1])
	if len(row) != 7 || row[0] != fmt.Sprintf("%dx", want.TooManyRequests) || row[6] != want.Username {
		t.Fatalf("first user row %q, want %dx ... %s", lines[i+1], want.TooManyRequests, want.Username)
	}
	for j, w := range []time.Time{first, last} {
		got, err := time.Parse(time.RFC3339Nano, row[1+j])
		if err != nil || !got.Equal(w) {
			t.Errorf("text view time %q, want %s", row[1+j], w.Format(time.RFC3339Nano))
		}
	}
}

// document is a view's JSON document (format.Document) read back with the
// parts these tests look at.
type document struct {
	Version    int                         `json:"version"`
	View       string                      `json:"view"`
	Filter     string                      `json:"filter"`
	Summary    *aggregate.SummaryResult    `json:"summary"`
	Top        *aggregate.CountResult      `json:"top"`
	Throttling *aggregate.ThrottlingResult `json:"throttling"`
}
