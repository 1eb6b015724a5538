package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/query"
)

// TestLibraryGivesTheCommandsBytes runs every view twice, as the command
// and as an importer of package query would, and compares what each
// writes on stdout.
func TestLibraryGivesTheCommandsBytes(t *testing.T) {
	q := func(paths string, set func(q *query.Query)) query.Query {
		qq := query.New(paths)
		set(&qq)
		return qq
	}
	views := map[string]bool{} // the -o values run, without =N
	defer func() {
		for _, o := range query.Outputs() {
			if !views[o] {
				t.Errorf("no case runs the registered view -o %q", o)
			}
		}
	}()
	for _, c := range []struct {
		name  string
		args  []string
		query query.Query
	}{
		{"top", []string{"-f", mustGather, "--by=user", "-otop"},
			q(mustGather, func(q *query.Query) { q.By, q.Output = "user", "top" })},
		{"grouped", []string{"-f", kubeAPIServer, "--by=verb", "-otop=3", "--user=system:apiserver"},
			q(kubeAPIServer, func(q *query.Query) {
				q.By, q.Output, q.Filters.Users = "verb", "top=3", []string{"system:apiserver"}
			})},
		{"csv", []string{"-f", kubeAPIServer, "--by=user,verb", "-o", "csv=15"},
			q(kubeAPIServer, func(q *query.Query) { q.By, q.Output = "user,verb", "csv=15" })},
		{"stats", []string{"-f", kubeAPIServer, "-o", "stats"},
			q(kubeAPIServer, func(q *query.Query) { q.Output = "stats" })},
		{"stats-csv", []string{"-f", kubeAPIServer, "-o", "stats", "--format=csv"},
			q(kubeAPIServer, func(q *query.Query) { q.Output, q.Format = "stats", "csv" })},
		{"histogram-window", []string{"-f", mustGather, "-o", "histogram=5", "--bucket=10m", "--by=user", "--window=+60m,-1h"},
			q(mustGather, func(q *query.Query) {
				q.Output, q.Bucket, q.By, q.Window = "histogram=5", "10m", "user", "+60m,-1h"
			})},
		{"histogram-since", []string{"-f", kubeAPIServer, "-o", "histogram", "--since=-30m", "--format=json"},
			q(kubeAPIServer, func(q *query.Query) { q.Output, q.Filters.Since, q.Format = "histogram", "-30m", "json" })},
		{"latency", []string{"-f", kubeAPIServer, "--by=resource", "-o", "latency=5", "--sort=p99"},
			q(kubeAPIServer, func(q *query.Query) { q.By, q.Output, q.Sort = "resource", "latency=5", "p99" })},
		{"latency-json", []string{"-f", kubeAPIServer, "--by=verb", "-o", "latency=3", "--format=json"},
			q(kubeAPIServer, func(q *query.Query) { q.By, q.Output, q.Format = "verb", "latency=3", "json" })},
		{"throttling", []string{"-f", mustGather, "-o", "throttling"},
			q(mustGather, func(q *query.Query) { q.Output = "throttling" })},
		{"throttling-csv", []string{"-f", mustGather, "-o", "throttling=3", "--format=csv"},
			q(mustGather, func(q *query.Query) { q.Output, q.Format = "throttling=3", "csv" })},
		{"html", []string{"-f", mustGatherBad, "-o", "html=3", "--allow-partial"},
			q(mustGatherBad, func(q *query.Query) { q.Output = "html=3" })},
		{"findings", []string{"-f", kubeAPIServer, "-o", "findings"},
			q(kubeAPIServer, func(q *query.Query) { q.Output = "findings" })},
		{"findings-json", []string{"-f", mustGather, "-o", "findings", "--format=json"},
			q(mustGather, func(q *query.Query) { q.Output, q.Format = "findings", "json" })},
		{"listing", []string{"-f", kubeAPIServer, "--verb=delete", "--resource=pods"},
			q(kubeAPIServer, func(q *query.Query) {
				q.Filters.Verbs, q.Filters.Resources = []string{"delete"}, []string{"pods"}
			})},
		{"wide", []string{"-f", kubeAPIServer, "--user=alice", "-o", "wide"},
			q(kubeAPIServer, func(q *query.Query) { q.Filters.Users, q.Output = []string{"alice"}, "wide" })},
		{"json", []string{"-f", kubeAPIServer, "--user=alice", "--verb=delete", "-o", "json"},
			q(kubeAPIServer, func(q *query.Query) {
				q.Filters.Users, q.Filters.Verbs, q.Output = []string{"alice"}, []string{"delete"}, "json"
			})},
	} {
		views[strings.Split(c.query.Output, "=")[0]] = true
		t.Run(c.name, func(t *testing.T) {
			cmd := commandsStdout(t, c.args)
			if cmd.code != 0 || len(cmd.stdout) == 0 {
				t.Fatalf("command: exit %d, %d bytes, stderr %s", cmd.code, len(cmd.stdout), cmd.stderr)
			}
			res, err := c.query.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var lib bytes.Buffer
			if err := res.Write(&lib); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(lib.Bytes(), cmd.stdout) {
				t.Errorf("the library wrote\n%s\nthe command\n%s", head(lib.Bytes()), head(cmd.stdout))
			}
		})
	}
}

// commandsStdout is what the command writes on stdout with args: the
// golden file of TestViews when one of its views has these arguments and
// exits 0 (TestViews checks the command writes it), or else a run.
func commandsStdout(t *testing.T, args []string) result {
	t.Helper()
	for _, v := range viewCommands {
		if !*update && slices.Equal(v.args, args) && partialViews[v.name] == 0 {
			b, err := readGolden(filepath.Join("testdata", "views", v.name+".stdout"))
			if err != nil {
				t.Fatal(err)
			}
			return result{stdout: b}
		}
	}
	return runCmd(t, args...)
}

// TestVersion: --version prints the program and the Go version.
func TestVersion(t *testing.T) {
	r := runCmd(t, "--version")
	if r.code != 0 || !bytes.HasPrefix(r.stdout, []byte("kubectl-audit ")) || !bytes.Contains(r.stdout, []byte(" go1.")) {
		t.Errorf("--version: exit %d, %q", r.code, r.stdout)
	}
}
