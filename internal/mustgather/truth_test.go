package mustgather

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// recount reads every file listed in truth with encoding/json, counts
// again and compares with truth.
func recount(t *testing.T, dir string, truth *Truth) {
	t.Helper()
	stages := map[string]map[string]int64{}
	users, res, nss := map[string]int64{}, map[string]int64{}, map[string]int64{}
	stormNodes := map[string]int64{}
	var count, storm, stormGets, thr429, podsec int64
	var first, last, first429, last429 time.Time
	var deleted *PodDeleteTruth
	for _, f := range truth.Files {
		content, _ := readContent(t, filepath.Join(dir, f.Path))
		if stages[f.Server] == nil {
			stages[f.Server] = map[string]int64{}
		}
		for i, line := range lines(content) {
			if len(line) > 0 && line[0] != '{' {
				_, line, _ = bytes.Cut(line, []byte(" "))
			}
			var ev auditv1.Event
			if json.Unmarshal(line, &ev) != nil || ev.AuditID == "" {
				continue
			}
			stages[f.Server][string(ev.Stage)]++
			if f.Server != serverKube || ev.Stage != auditv1.StageResponseComplete {
				continue
			}
			recv := ev.RequestReceivedTimestamp.UTC()
			if count == 0 || recv.Before(first) {
				first = recv
			}
			if count == 0 || recv.After(last) {
				last = recv
			}
			count++
			r := auditlog.ParseRequestURI(ev.RequestURI)
			key := ev.User.Username
			if fm, ok := r.QueryValue("fieldManager"); ok {
				key += "[" + fm + "]"
			}
			users[key]++
			if r.IsResource() {
				if r.APIGroup == "" {
					res[r.APIVersion+"/"+r.Resource]++
				} else {
					res[r.APIGroup+"/"+r.APIVersion+"/"+r.Resource]++
				}
			}
			nss[r.Namespace]++
			if _, ok := ev.Annotations["pod-security.kubernetes.io/audit-violations"]; ok {
				podsec++
			}
			switch ev.User.Username {
			case truth.Metrics403.Username:
				storm++
				if ev.Verb == "get" {
					stormGets++
				}
				if r.Resource == "nodes" && r.SubresourcePath == "proxy/metrics" {
					if ev.ResponseStatus.Code != 403 {
						t.Errorf("storm request answered %d", ev.ResponseStatus.Code)
					}
					stormNodes[r.Name]++
				}
			case truth.Throttled.Username:
				if ev.ResponseStatus.Code == 429 {
					if thr429 == 0 || recv.Before(first429) {
						first429 = recv
					}
					if thr429 == 0 || recv.After(last429) {
						last429 = recv
					}
					thr429++
				}
			}
			if ev.Verb == "delete" && r.Name == truth.PodDelete.Pod {
				if deleted != nil {
					t.Errorf("pod %s deleted twice", r.Name)
				}
				deleted = &PodDeleteTruth{Username: ev.User.Username, Namespace: r.Namespace, Pod: r.Name,
					Time: recv, AuditID: string(ev.AuditID), File: f.Path, Line: int64(i + 1)}
			}
		}
	}
	for server, st := range truth.Servers {
		for stage, n := range st.Stages {
			if stages[server][stage] != n {
				t.Errorf("%s %s: counted %d, truth %d", server, stage, stages[server][stage], n)
			}
		}
	}
	check := func(name string, got map[string]int64, want []KeyCount) {
		t.Helper()
		if !reflect.DeepEqual(sortedCounts(got), want) {
			t.Errorf("%s: counted %v\ntruth %v", name, sortedCounts(got), want)
		}
	}
	check("users", users, truth.Users)
	check("resources", res, truth.Resources)
	check("namespaces", nss, truth.Namespaces)
	check("metrics403 nodes", stormNodes, truth.Metrics403.Nodes)
	if count != truth.Kube.Count || !first.Equal(truth.Kube.First) || !last.Equal(truth.Kube.Last) {
		t.Errorf("summary: counted %d %v %v, truth %+v", count, first, last, truth.Kube)
	}
	if storm != truth.Metrics403.Requests || stormGets != truth.Metrics403.GETs {
		t.Errorf("storm: counted %d requests %d GETs, truth %+v", storm, stormGets, truth.Metrics403)
	}
	if thr429 != truth.Throttled.TooManyRequests || !first429.Equal(truth.Throttled.First429) || !last429.Equal(truth.Throttled.Last429) {
		t.Errorf("throttled: counted %d %v %v, truth %+v", thr429, first429, last429, truth.Throttled)
	}
	if podsec != truth.PodSecurityViolations {
		t.Errorf("pod security violations: counted %d, truth %d", podsec, truth.PodSecurityViolations)
	}
	if deleted == nil || *deleted != *truth.PodDelete {
		t.Errorf("pod delete: found %+v, truth %+v", deleted, truth.PodDelete)
	}
}

func TestTruthRecount(t *testing.T) {
	dir := t.TempDir()
	truth, err := Generate(dir, Config{Seed: 3, Events: 8000, Scenarios: ScenarioMix})
	if err != nil {
		t.Fatal(err)
	}
	recount(t, dir, truth)
	// The culprit is the top user by a clear margin, and refused every time.
	if truth.Users[0].Key != sysdig || truth.Users[0].Count < 3*truth.Users[1].Count {
		t.Errorf("top users %v", truth.Users[:2])
	}
	m := truth.Metrics403
	var perNode int64
	for _, n := range m.Nodes {
		perNode += n.Count
	}
	if len(m.Nodes) != 40 || perNode != m.Forbidden {
		t.Errorf("storm over %d nodes, %d GETs of proxy/metrics, %d forbidden", len(m.Nodes), perNode, m.Forbidden)
	}
	if truth.Resources[0].Key != "v1/nodes" {
		t.Errorf("top resource %v", truth.Resources[0])
	}
	if truth.Throttled.TooManyRequests == 0 || truth.PodSecurityViolations == 0 || truth.LatencyAnnotated == 0 {
		t.Errorf("throttled %+v, pod security %d, slow %d", truth.Throttled, truth.PodSecurityViolations, truth.LatencyAnnotated)
	}
	if truth.Kube.Count != 8000 || truth.Servers[serverKube].Requests != 8000 {
		t.Errorf("kube requests %d", truth.Kube.Count)
	}
	codes := map[string]int64{}
	for _, c := range truth.Codes {
		codes[c.Key] = c.Count
	}
	if codes["403"] != m.Forbidden || codes[strconv.Itoa(429)] != truth.Throttled.TooManyRequests {
		t.Errorf("codes %v", truth.Codes)
	}
}

// TestPlantedRecount reads back the planted streams of the findings and
// ordinary scenarios (without a background, every request is planted)
// and compares them with the truth.
func TestPlantedRecount(t *testing.T) {
	dir := t.TempDir()
	truth, err := Generate(dir, Config{Seed: 5, Duration: 30 * time.Minute, Scenarios: ScenarioFindings | ScenarioOrdinary})
	if err != nil {
		t.Fatal(err)
	}
	type count struct {
		n           int64
		codes       map[string]int64
		first, last time.Time
	}
	counts := make([]count, len(truth.Planted))
	var total int64
	for _, f := range truth.Files {
		if f.Server != serverKube {
			continue
		}
		content, _ := readContent(t, filepath.Join(dir, f.Path))
		for _, line := range lines(content) {
			var ev auditv1.Event
			if err := json.Unmarshal(line, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Stage != auditv1.StageResponseComplete {
				continue
			}
			total++
			r := auditlog.ParseRequestURI(ev.RequestURI)
			key := ev.User.Username
			if fm, ok := r.QueryValue("fieldManager"); ok {
				key += "[" + fm + "]"
			}
			var matched []int
			for i, s := range truth.Planted {
				if s.UserKey == key && s.Verb == ev.Verb && pathMatches(s.Path, r.Path) &&
					(s.Username != "" || len(ev.SourceIPs) > 0 && ev.SourceIPs[0] == s.SourceIP) &&
					ev.UserAgent == s.UserAgent && sameAnnotationSet(s.Pattern, ev.Annotations) {
					matched = append(matched, i)
				}
			}
			if len(matched) != 1 {
				t.Fatalf("%s %s by %q matches %d streams", ev.Verb, ev.RequestURI, key, len(matched))
			}
			c := &counts[matched[0]]
			if c.codes == nil {
				c.codes = map[string]int64{}
			}
			recv := ev.RequestReceivedTimestamp.UTC()
			if c.n == 0 || recv.Before(c.first) {
				c.first = recv
			}
			if c.n == 0 || recv.After(c.last) {
				c.last = recv
			}
			c.n++
			c.codes[strconv.Itoa(int(ev.ResponseStatus.Code))]++
		}
	}
	for i, s := range truth.Planted {
		c := counts[i]
		if c.n != s.Requests || !reflect.DeepEqual(c.codes, s.Codes) || !c.first.Equal(s.First) || !c.last.Equal(s.Last) {
			t.Errorf("%s %s %s: counted %d %v %v..%v, truth %d %v %v..%v", s.Pattern, s.Verb, s.Path,
				c.n, c.codes, c.first, c.last, s.Requests, s.Codes, s.First, s.Last)
		}
		if s.Requests == 0 {
			t.Errorf("%s: no requests", s.Pattern)
		}
	}
	if total != truth.Kube.Count {
		t.Errorf("%d requests, truth %d", total, truth.Kube.Count)
	}
}

// pathMatches reports whether path matches a truth path, where {name} and
// {namespace} stand for one segment.
func pathMatches(pattern, path string) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(qs) {
		return false
	}
	for i := range ps {
		if ps[i] != qs[i] && ps[i] != "{name}" && ps[i] != "{namespace}" {
			return false
		}
	}
	return true
}

// sameAnnotationSet tells the late-request streams apart, which differ
// only by their openshift.io/during-* annotations.
func sameAnnotationSet(pattern string, ann map[string]string) bool {
	_, graceful := ann["openshift.io/during-graceful"]
	switch pattern {
	case "late-requests":
		return graceful
	case "late-requests-termination":
		return !graceful
	}
	return true
}

// TestPlainNamesVaryURIs: with PlainNames, files are named as a vanilla
// kube-apiserver names them, in a folder per master; with VaryURIs, most
// requests for one object name an object few others do; the truth still
// recounts.
func TestPlainNamesVaryURIs(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Seed: 5, Events: 6000, Scenarios: ScenarioMix, Masters: 2, Files: 6}
	truth, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.PlainNames, cfg.VaryURIs = true, true
	vdir := t.TempDir()
	varied, err := Generate(vdir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recount(t, vdir, varied)
	for _, f := range varied.Files {
		name := filepath.Base(f.Path)
		if f.Path != filepath.ToSlash(filepath.Join("audit_logs", f.Server, f.Node, name)) ||
			!strings.HasPrefix(name, "audit-") && name != "audit.log" {
			t.Errorf("%s: want audit_logs/SERVER/NODE/audit[-TIME].log[.gz]", f.Path)
		}
	}
	if len(varied.Files) != len(truth.Files) || varied.Kube.Count != truth.Kube.Count {
		t.Errorf("varied: %d files, %+v; plain: %d files, %+v", len(varied.Files), varied.Kube, len(truth.Files), truth.Kube)
	}
	distinct := func(dir string, truth *Truth) int {
		uris := map[string]bool{}
		for _, f := range truth.Files {
			if f.Server != serverKube {
				continue
			}
			content, err := readContent(t, filepath.Join(dir, f.Path))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range lines(content) {
				var ev auditv1.Event
				if err := json.Unmarshal(line, &ev); err != nil {
					t.Fatal(err)
				}
				// As the grouped view groups: by path, query but for
				// the parameters that change at every call, and user.
				key, query, _ := strings.Cut(ev.RequestURI, "?")
				for _, p := range strings.Split(query, "&") {
					if !strings.HasPrefix(p, "resourceVersion=") && !strings.HasPrefix(p, "timeout") {
						key += "&" + p
					}
				}
				uris[ev.User.Username+" "+key] = true
			}
		}
		return len(uris)
	}
	plain, many := distinct(dir, truth), distinct(vdir, varied)
	if 4*many < 5*plain {
		t.Errorf("VaryURIs: %d groups of requests, without: %d; want many more", many, plain)
	}
	t.Logf("groups of requests: %d, varied %d", plain, many)
}

// TestGatherGzip: with GatherGzip, the live file is gzip as well, named
// NODE-audit.log.gz, as gather_audit_logs collects it, and every file
// holds what it holds without the option.
func TestGatherGzip(t *testing.T) {
	cfg := Config{Seed: 6, Events: 3000, Scenarios: ScenarioMix}
	dir, gdir := t.TempDir(), t.TempDir()
	truth, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.GatherGzip = true
	gathered, err := Generate(gdir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recount(t, gdir, gathered)
	if len(gathered.Files) != len(truth.Files) {
		t.Fatalf("%d files, want %d", len(gathered.Files), len(truth.Files))
	}
	for i, f := range gathered.Files {
		plain := truth.Files[i]
		if !f.Gzip || !strings.HasSuffix(f.Path, ".log.gz") || strings.TrimSuffix(f.Path, ".gz") != strings.TrimSuffix(plain.Path, ".gz") {
			t.Errorf("%s (gzip %v): want %s gzip", f.Path, f.Gzip, strings.TrimSuffix(plain.Path, ".gz")+".gz")
			continue
		}
		got, err := readContent(t, filepath.Join(gdir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		want, err := readContent(t, filepath.Join(dir, plain.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || f.Lines != plain.Lines {
			t.Errorf("%s: %d bytes, %d lines; without GatherGzip %d bytes, %d lines", f.Path, len(got), f.Lines, len(want), plain.Lines)
		}
	}
}
