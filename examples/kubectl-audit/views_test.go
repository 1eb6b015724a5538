package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/format"
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
	{"bad-input-report", []string{"-f", mustGatherBad, "--by=user", "-otop=3"}},
	{"bad-input-report-verbose", []string{"-f", mustGatherBad, "--by=user", "-otop=3", "-v"}},
}

// TestViews compares the whole stdout and stderr of the new views with
// golden files.
func TestViews(t *testing.T) {
	for _, c := range viewCommands {
		t.Run(c.name, func(t *testing.T) {
			r := runCmd(t, c.args...)
			if r.code != 0 {
				t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
			}
			golden(t, "views/"+c.name+".stdout", r.stdout)
			golden(t, "views/"+c.name+".stderr", r.stderr)
		})
	}
}

// TestViewsStableAcrossWorkers runs the aggregate views with 1, 2 and 8
// workers.
func TestViewsStableAcrossWorkers(t *testing.T) {
	for _, c := range viewCommands {
		t.Run(c.name, func(t *testing.T) {
			want := runCmd(t, append(c.args, "--workers=1")...)
			for _, w := range []string{"2", "8"} {
				got := runCmd(t, append(c.args, "--workers="+w)...)
				if !bytes.Equal(got.stdout, want.stdout) || !bytes.Equal(got.stderr, want.stderr) {
					t.Errorf("--workers=%s: output differs from --workers=1", w)
				}
			}
		})
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
	var doc format.Document
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
