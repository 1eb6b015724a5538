package findings

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// plantedConfig plants every pattern and the ordinary behaviour of healthy
// components, with no random background: every request of the logs is in
// one of the truth's streams, so every finding and every row is known.
var plantedConfig = mustgather.Config{Seed: 11, Duration: 30 * time.Minute,
	Scenarios: mustgather.ScenarioFindings | mustgather.ScenarioOrdinary}

// wantRow is a row a finding must have; an empty offender or what
// matches any, and a what ending in "..." is a prefix.
type wantRow struct {
	offender, what string
	count          int64
}

type wantFinding struct {
	id, subject string
	rows        []wantRow
}

func (w wantFinding) magnitude() int64 {
	var n int64
	for _, r := range w.rows {
		n += r.count
	}
	return n
}

// expectedFindings derives, from the truth's planted streams, the findings
// and rows the detectors must report.
func expectedFindings(t *testing.T, truth *mustgather.Truth) map[[2]string]*wantFinding {
	t.Helper()
	want := map[[2]string]*wantFinding{}
	add := func(id, subject string, row wantRow) {
		k := [2]string{id, subject}
		if want[k] == nil {
			want[k] = &wantFinding{id: id, subject: subject}
		}
		want[k].rows = append(want[k].rows, row)
	}
	upper := strings.ToUpper
	for _, s := range truth.Planted {
		r := auditlog.ParseRequestURI(s.Path)
		scope := "cluster-wide"
		if r.Namespace != "" {
			scope = "namespace " + r.Namespace
		}
		switch s.Finding {
		case "":
		case "denied-storm":
			subject := s.Username
			if subject == "" {
				subject = "(unauthenticated) " + s.SourceIP
			}
			add(s.Finding, subject, wantRow{subject, upper(s.Verb) + " " + s.Path, s.Codes["401"] + s.Codes["403"]})
		case "hot-loop":
			add(s.Finding, "", wantRow{s.UserKey, upper(s.Verb) + " " + s.Path, s.Requests})
		case "watch-churn":
			add(s.Finding, "", wantRow{s.Username, "WATCH " + s.Resource, s.Requests})
		case "etcd-lists", "repeated-lists":
			add(s.Finding, "", wantRow{s.Username, "LIST " + s.Resource + ", " + scope, s.Requests})
		case "write-churn":
			add(s.Finding, "", wantRow{s.UserKey, "APPLY (server-side) " + s.Path, s.Requests})
		case "write-conflicts":
			add(s.Finding, "", wantRow{s.Username, upper(s.Verb) + " " + s.Resource, s.Codes["409"]})
		case "invalid-writes":
			add(s.Finding, "", wantRow{s.Username, upper(s.Verb) + " " + s.Resource, s.Codes["422"]})
		case "server-errors":
			var n int64
			for code, c := range s.Codes {
				if code[0] == '5' {
					n += c
				}
			}
			add(s.Finding, "", wantRow{s.Username, upper(s.Verb) + " " + s.Resource, n})
		case "throttled":
			add(s.Finding, "", wantRow{s.Username, "429 Too Many Requests", s.Codes["429"]})
		case "slow-layer":
			layer := map[string]string{"slow-webhooks": "admission-webhooks", "slow-etcd": "etcd"}[s.Pattern]
			add(s.Finding, layer, wantRow{"", upper(s.Verb) + " " + s.Resource, s.Requests})
		case "late-requests":
			add(s.Finding, "", wantRow{s.Username, "sent to the API server on ...", s.Requests})
		case "deprecated-apis":
			add(s.Finding, "", wantRow{s.UserAgent, s.Resource + " (removed in ...", s.Requests})
		case "legacy-tokens":
			add(s.Finding, "", wantRow{s.Username, "", s.Requests})
		case "stale-tokens":
			add(s.Finding, "", wantRow{s.Username, "stale bound token", s.Requests})
		case "webhook-certificates":
			add(s.Finding, "", wantRow{"", "", s.Requests})
		case "exec-by-humans":
			sub := s.Path[strings.LastIndexByte(s.Path, '/')+1:]
			add(s.Finding, "", wantRow{s.Username, sub + " into pods in namespace " + r.Namespace, s.Requests})
		case "pod-security-violations":
			add(s.Finding, "", wantRow{s.Username, upper(s.Verb) + " " + r.Resource + " in namespace " + r.Namespace, s.Requests})
		default:
			t.Fatalf("the truth names a finding the test does not know: %s", s.Finding)
		}
		// A service account reading secrets of another namespace is also
		// secrets-wide, whatever else it was planted for (velero-lite's
		// exact LISTs of payments' secrets).
		if ns, ok := serviceAccountNamespace(s.Username); ok && r.Resource == "secrets" && r.Namespace != "" && r.Namespace != ns &&
			(s.Verb == "get" || s.Verb == "list") && s.Codes["200"] > 0 {
			add("secrets-wide", "", wantRow{s.Username, upper(s.Verb) + " secrets in namespace " + r.Namespace, s.Codes["200"]})
		}
	}
	// The late-requests streams are one row (same user, same node).
	if w := want[[2]string{"late-requests", ""}]; w != nil {
		var n int64
		for _, r := range w.rows {
			n += r.count
		}
		w.rows = []wantRow{{w.rows[0].offender, w.rows[0].what, n}}
	}
	return want
}

// matchRows reports what differs between the rows a finding has and the
// rows it must have (in any order).
func matchRows(got []Evidence, want []wantRow) string {
	left := slices.Clone(got)
	for _, w := range want {
		i := slices.IndexFunc(left, func(e Evidence) bool {
			return (w.offender == "" || e.Offender == w.offender) && e.Count == w.count &&
				(w.what == "" || e.What == w.what ||
					strings.HasSuffix(w.what, "...") && strings.HasPrefix(e.What, strings.TrimSuffix(w.what, "...")))
		})
		if i < 0 {
			return fmt.Sprintf("no row %+v", w)
		}
		left = slices.Delete(left, i, i+1)
	}
	if len(left) > 0 {
		return fmt.Sprintf("unexpected rows %+v", left)
	}
	return ""
}

// TestPlantedFindings checks that every planted pattern is found with
// exactly its planted counts and offenders, and that nothing else is: the
// ordinary behaviour planted beside the patterns (leader election, kubelets,
// informers, kubectl apply) is in no finding.
func TestPlantedFindings(t *testing.T) {
	dir, truth := generated(t, plantedConfig)
	res := scan(t, dir, Options{Files: []string{dir}}, 3)
	want := expectedFindings(t, truth)
	for _, f := range res.Findings {
		w := want[[2]string{f.ID, f.Subject}]
		if w == nil {
			t.Errorf("unexpected finding %s %q: %s", f.ID, f.Subject, f.Summary)
			continue
		}
		if f.Magnitude != w.magnitude() {
			t.Errorf("%s %q: magnitude %d, planted %d", f.ID, f.Subject, f.Magnitude, w.magnitude())
		}
		if msg := matchRows(f.Rows, w.rows); msg != "" {
			t.Errorf("%s %q: %s", f.ID, f.Subject, msg)
		}
		if f.Summary == "" || f.Title == "" || !strings.HasPrefix(f.Command, "kubectl audit -f "+dir+" ") {
			t.Errorf("%s %q: summary %q, title %q, command %q", f.ID, f.Subject, f.Summary, f.Title, f.Command)
		}
		checkSeries(t, res, &f)
	}
	for k := range want {
		if findingOf(res, k[0], k[1]) == nil {
			t.Errorf("planted %s %q not found", k[0], k[1])
		}
	}
	if len(res.Dropped) > 0 {
		t.Errorf("dropped %v", res.Dropped)
	}
	if res.Requests != truth.Kube.Count {
		t.Errorf("%d requests, truth %d", res.Requests, truth.Kube.Count)
	}
	checkNumbers(t, res, truth)
	checkSamples(t, res, readEntries(t, dir))
}

// checkNumbers checks the figures of the findings that have exact planted
// values.
func checkNumbers(t *testing.T, res Result, truth *mustgather.Truth) {
	t.Helper()
	streams := map[string][]mustgather.PlantedTruth{}
	for _, s := range truth.Planted {
		streams[s.Pattern] = append(streams[s.Pattern], s)
	}
	total := func(pattern string) int64 {
		var n int64
		for _, s := range streams[pattern] {
			n += s.Requests
		}
		return n
	}
	approx := func(name string, got, want, tolerance float64) {
		t.Helper()
		if math.Abs(got-want) > tolerance*want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	shipper := streams["denied-403"][0].Username
	if f := findingOf(res, "denied-storm", shipper); f != nil {
		got, _ := number(f.Numbers, "requests of the user")
		approx("log shipper's requests", got, float64(total("denied-403")+total("denied-403-allowed")), 0)
		checkShipperRules(t, f.Rules)
	}
	if f := findingOf(res, "watch-churn", ""); f != nil {
		life, _ := number(f.Rows[0].Numbers, "median lifetime")
		approx("median watch lifetime", life, 11.5, 0.011)
	}
	if f := findingOf(res, "hot-loop", ""); f != nil {
		peak, _ := number(f.Rows[0].Numbers, "peak")
		hot, _ := number(f.Rows[0].Numbers, "minutes above the limit")
		if peak < 90 || peak > 91 || hot < 10 || hot > 11 {
			t.Errorf("hot loop: peak %v a minute, %v minutes above the limit; planted 90 a minute for 10 minutes", peak, hot)
		}
	}
	if f := findingOf(res, "late-requests", ""); f != nil {
		term, _ := number(f.Numbers, "during termination")
		loop, _ := number(f.Numbers, "over loopback (not counted)")
		approx("during termination", term, float64(total("late-requests")+total("late-requests-termination")), 0)
		approx("loopback", loop, float64(total("late-requests-loopback")), 0)
	}
	if f := findingOf(res, "server-errors", ""); f != nil {
		secs, _ := number(f.Numbers, "seconds with 5xx")
		approx("seconds with 5xx", secs, 90, 0)
	}
}

// checkShipperRules checks the RBAC rules of the log shipper's 403s: a
// ClusterRole rule to list namespaces and a Role rule per namespace to get
// pods/log.
func checkShipperRules(t *testing.T, rules []RBACRule) {
	t.Helper()
	var cluster, roles int
	for _, r := range rules {
		switch {
		case r.Namespace == "" && slices.Equal(r.Resources, []string{"namespaces"}) && slices.Equal(r.Verbs, []string{"list"}):
			cluster++
		case r.Namespace != "" && slices.Equal(r.Resources, []string{"pods/log"}) && slices.Equal(r.Verbs, []string{"get"}) &&
			slices.Equal(r.APIGroups, []string{""}):
			roles++
		default:
			t.Errorf("unexpected rule %+v", r)
		}
	}
	if cluster != 1 || roles != 5 {
		t.Errorf("rules %+v: want a cluster rule and 5 roles", rules)
	}
}

// checkSamples checks that every row's samples are requests of the row's
// offender, as many as the row allows, and distinct.
func checkSamples(t *testing.T, res Result, entries []*auditlog.Entry) {
	t.Helper()
	byID := map[string]*auditlog.Entry{}
	for _, e := range entries {
		if e.Event.Stage == "ResponseComplete" {
			byID[string(e.Event.AuditID)] = e
		}
	}
	for _, f := range res.Findings {
		for _, row := range f.Rows {
			want := min(row.Count, maxSamples)
			if f.ID == "hot-loop" || f.ID == "write-churn" {
				want = min(want, 5) // a 16th of the requests are candidates
			}
			if int64(len(row.Samples)) < want || len(row.Samples) > maxSamples {
				t.Errorf("%s %s: %d samples of %d requests", f.ID, row.What, len(row.Samples), row.Count)
			}
			seen := map[string]bool{}
			for _, id := range row.Samples {
				e := byID[id]
				if e == nil || seen[id] {
					t.Errorf("%s %s: sample %s is not a request, or twice", f.ID, row.What, id)
					continue
				}
				seen[id] = true
				user, _, _ := strings.Cut(row.Offender, "[")
				if strings.HasPrefix(user, "system:") || strings.HasPrefix(user, "alice") || strings.HasPrefix(user, "erin") {
					if e.Event.User.Username != user {
						t.Errorf("%s %s: sample %s is by %s", f.ID, row.What, id, e.Event.User.Username)
					}
				}
			}
			if !strings.Contains(row.SamplesCommand, "--uid="+strings.Join(row.Samples, ",")) {
				t.Errorf("%s: samples command %q", f.ID, row.SamplesCommand)
			}
		}
	}
}

// TestOrdinaryIsClean checks that healthy components' ordinary behaviour
// (leader election by three replicas, kubelets, informers, a kubectl apply
// of many objects) gives no finding.
func TestOrdinaryIsClean(t *testing.T) {
	dir, truth := generated(t, mustgather.Config{Seed: 3, Duration: time.Hour, Scenarios: mustgather.ScenarioOrdinary})
	res := scan(t, dir, Options{}, 2)
	for _, f := range res.Findings {
		t.Errorf("finding %s %q on ordinary behaviour: %s", f.ID, f.Subject, f.Summary)
	}
	if res.Requests != truth.Kube.Count || res.Requests < 10000 {
		t.Errorf("%d requests, truth %d", res.Requests, truth.Kube.Count)
	}
}

// TestShardMerge checks that the result does not depend on how the
// entries are split between detector sets (one at a time, or in batches),
// nor on the order of merges.
func TestShardMerge(t *testing.T) {
	cfg := plantedConfig
	cfg.Events = 2000 // and a random background
	dir, _ := generated(t, cfg)
	entries := readEntries(t, dir)
	resultOf := func(sets []*Detectors, order []int) string {
		for _, i := range order[1:] {
			sets[order[0]].Merge(sets[i])
		}
		return fmt.Sprintf("%+v", sets[order[0]].Result())
	}
	var want string
	for _, n := range []int{1, 2, 7} {
		for _, split := range []string{"round-robin", "blocks", "shuffled", "batches"} {
			sets := make([]*Detectors, n)
			for i := range sets {
				sets[i] = New(Options{})
			}
			if split == "batches" {
				// As a Scan's workers get them: a batch at a time, with
				// the requests' other stages among them.
				k := 0
				for b := range slices.Chunk(entries, 64) {
					sets[k%n].AddBatch(b)
					k++
				}
			}
			for i, e := range entries {
				if split == "batches" {
					break
				}
				var k int
				switch split {
				case "round-robin":
					k = i % n
				case "blocks":
					k = i * n / len(entries)
				case "shuffled":
					k = int(aggregate.SampleHash(string(e.Event.AuditID)+string(e.Event.Stage)) % uint64(n))
				}
				sets[k].Add(e)
			}
			order := make([]int, n)
			for i := range order {
				order[i] = n - 1 - i // merge into the last, backwards
			}
			got := resultOf(sets, order)
			if want == "" {
				want = got
				if !strings.Contains(want, "denied-storm") {
					t.Fatalf("no finding to compare: %s", want)
				}
				continue
			}
			if got != want {
				t.Errorf("%d sets, %s: the result differs from one set's", n, split)
			}
		}
	}
}

// TestMaxKeys checks that full tables drop and count requests instead of
// growing.
func TestMaxKeys(t *testing.T) {
	dir, _ := generated(t, plantedConfig)
	res := scan(t, dir, Options{MaxKeys: 3}, 2)
	var dropped int64
	for _, d := range res.Dropped {
		if d.Requests <= 0 || d.Detector == "" {
			t.Errorf("dropped %+v", d)
		}
		dropped += d.Requests
	}
	if dropped == 0 {
		t.Error("nothing dropped with 3 keys per table")
	}
	slices.SortFunc(res.Dropped, func(a, b Dropped) int { return cmp.Compare(a.Detector, b.Detector) })
	checkOrder(t, res.Findings)
}

// checkOrder checks that findings are by group (load, errors, hygiene and
// security), load by server time, the others by severity.
func checkOrder(t *testing.T, fs []Finding) {
	t.Helper()
	for i := 1; i < len(fs); i++ {
		a, b := fs[i-1], fs[i]
		switch ga, gb := groupRank(a.Group), groupRank(b.Group); {
		case ga > gb:
			t.Errorf("%s (%s) before %s (%s)", a.ID, a.Group, b.ID, b.Group)
		case ga < gb:
		case a.Group == GroupLoad && a.ServerSeconds < b.ServerSeconds:
			t.Errorf("load %s (%vs) before %s (%vs)", a.ID, a.ServerSeconds, b.ID, b.ServerSeconds)
		case a.Group != GroupLoad && a.Severity < b.Severity:
			t.Errorf("%s (%s) before %s (%s)", a.ID, a.Severity, b.ID, b.Severity)
		}
	}
	for _, f := range fs {
		if groupRank(f.Group) == 2 && f.Group != GroupHygiene {
			t.Errorf("%s: group %q", f.ID, f.Group)
		}
	}
}
