package findings

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func TestListSource(t *testing.T) {
	for _, tc := range []struct {
		query    string
		etcd     bool
		reason   int
		rv0Limit bool
	}{
		{"", true, reasonConsistent, false},
		{"resourceVersion=", true, reasonConsistent, false},
		{"limit=500", true, reasonConsistent, false},
		{"limit=500&resourceVersion=0", false, 0, true},
		{"resourceVersion=0", false, 0, false},
		{"limit=500&resourceVersion=12345", true, reasonLimitExact, false},
		{"resourceVersion=12345", false, 0, false},
		{"continue=abc&limit=500", true, reasonContinue, false},
		{"resourceVersion=12345&resourceVersionMatch=Exact", true, reasonExact, false},
		{"resourceVersion=12345&resourceVersionMatch=NotOlderThan&limit=10", false, 0, false},
		{"resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=10", false, 0, true},
		{"resourceVersionMatch=Bogus", false, 0, false},
		{"limit=0&resourceVersion=5", false, 0, false},
		{"limit=abc", true, reasonConsistent, false},
		{"labelSelector=app%3Dweb&resourceVersion=0", false, 0, false},
	} {
		r := auditlog.ParseRequestURI("/api/v1/pods?" + tc.query)
		etcd, reason, rv0 := listSource(&r)
		if etcd != tc.etcd || etcd && reason != tc.reason || rv0 != tc.rv0Limit {
			t.Errorf("%q: etcd %v reason %v rv0+limit %v, want %v %v %v", tc.query, etcd, reason, rv0, tc.etcd, tc.reason, tc.rv0Limit)
		}
	}
}

func TestIsApply(t *testing.T) {
	for q, want := range map[string]bool{
		"":                                       false,
		"fieldManager=kubectl-client-side-apply": false,
		"fieldManager=kubectl-edit":              false,
		"fieldManager=kubectl":                   true, // kubectl apply --server-side
		"fieldManager=argocd-controller":         true,
		"fieldManager=kubectl-edit&force=true":   true,
		"force=false":                            false,
		"fieldManager=":                          false,
	} {
		r := auditlog.ParseRequestURI("/apis/apps/v1/namespaces/a/deployments/b?" + q)
		if got := isApply(&r); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}

func TestFoldedPath(t *testing.T) {
	for uri, want := range map[string]string{
		"/api/v1/nodes/cluster-app-31.dmz/proxy/metrics":            "/api/v1/nodes/{name}/proxy/metrics",
		"/api/v1/namespaces/shop/pods/web-1/log?follow=1":           "/api/v1/namespaces/{namespace}/pods/{name}/log",
		"/api/v1/namespaces/shop":                                   "/api/v1/namespaces/{name}",
		"/api/v1/namespaces/shop/status":                            "/api/v1/namespaces/{name}/status",
		"/api/v1/namespaces":                                        "/api/v1/namespaces",
		"/apis/apps/v1/namespaces/shop/deployments":                 "/apis/apps/v1/namespaces/{namespace}/deployments",
		"/apis/apps/v1/deployments":                                 "/apis/apps/v1/deployments",
		"/healthz/etcd":                                             "/healthz/etcd",
		"/apis/custom.metrics.k8s.io/v1beta1/namespaces/x/pods/*/m": "/apis/custom.metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}/m",
	} {
		r := auditlog.ParseRequestURI(uri)
		if got := string(appendFoldedPath(nil, &r)); got != want {
			t.Errorf("%s: %s, want %s", uri, got, want)
		}
	}
}

func TestResourceHelpers(t *testing.T) {
	for key, want := range map[string]string{"v1/pods": "pods", "apps/v1/deployments": "deployments.apps", "odd": "odd"} {
		if got := resourceFlag(key); got != want {
			t.Errorf("resourceFlag(%s) = %s, want %s", key, got, want)
		}
	}
	for key, want := range map[string]bool{
		"v1/pods": true, "v1/secrets": true, "v1/configmaps": true, "v1/events": true, "events.k8s.io/v1/events": true,
		"v1/nodes": false, "apps/v1/deployments": false, "coordination.k8s.io/v1/leases": false,
		"route.openshift.io/v1/routes": true, "example.com/v1/widgets": true,
	} {
		if got := heavyResource(key); got != want {
			t.Errorf("heavyResource(%s) = %v", key, got)
		}
	}
	leases := auditlog.ParseRequestURI("/apis/coordination.k8s.io/v1/namespaces/a/leases/b")
	pods := auditlog.ParseRequestURI("/api/v1/namespaces/a/pods/b")
	renewed := func(rs []string, r *auditlog.Request) bool {
		b := newBase(Options{RenewedResources: rs})
		return b.renewed(r)
	}
	if !renewed([]string{"coordination.k8s.io/leases"}, &leases) || renewed([]string{"coordination.k8s.io/leases"}, &pods) ||
		!renewed([]string{"pods"}, &pods) || !renewed([]string{"/pods"}, &pods) || renewed([]string{}, &leases) || !renewed(nil, &leases) {
		t.Error("renewed")
	}
}

func TestCommands(t *testing.T) {
	c := commands{files: []string{"must gather/audit_logs", "b.log"}}
	if got, want := c.user("system:serviceaccount:a:b[fleet-agent]"),
		"kubectl audit -f 'must gather/audit_logs' -f b.log --user=system:serviceaccount:a:b --field-manager=fleet-agent --by=verb -otop"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := (commands{}).samples([]string{"a", "b"}), "kubectl audit -f "+PathsPlaceholder+" --uid=a,b -owide"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if (commands{}).samples(nil) != "" {
		t.Error("a samples command without samples")
	}
	for in, want := range map[string]string{
		"plain":      "plain",
		"":           "''",
		"it's":       `'it'\''s'`,
		"a b":        "'a b'",
		"$(rm -rf)":  "'$(rm -rf)'",
		"x;y":        "'x;y'",
		"a:b/c=d,e@": "a:b/c=d,e@",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// unquote reads one word of POSIX shell made of unquoted safe characters
// and single-quoted parts, as shellQuote writes it.
func unquote(s string) (string, bool) {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case s[0] == '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(s[1 : 1+end])
			s = s[2+end:]
		case s[0] == '\\' && len(s) > 1:
			b.WriteByte(s[1])
			s = s[2:]
		default:
			r := []rune(s)[0]
			if !shellSafe(r) {
				return "", false
			}
			b.WriteRune(r)
			s = s[len(string(r)):]
		}
	}
	return b.String(), true
}

func FuzzShellQuote(f *testing.F) {
	for _, s := range []string{"", "a", "it's", "''", "a b\n$x`y`", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := shellQuote(s)
		got, ok := unquote(q)
		if !ok || got != s {
			t.Fatalf("shellQuote(%q) = %s reads back as %q", s, q, got)
		}
	})
}

func TestUserFlags(t *testing.T) {
	for user, want := range map[string][]flag{
		"alice":         {{"user", "alice"}},
		"a[fm]":         {{"user", "a"}, {"field-manager", "fm"}},
		"a[b][fm]":      {{"user", "a[b]"}, {"field-manager", "fm"}},
		"odd]":          {{"user", "odd]"}},
		"system:node:x": {{"user", "system:node:x"}},
	} {
		if got := userFlags(user); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", user, got, want)
		}
	}
}

func TestParseStaleToken(t *testing.T) {
	for v, want := range map[string]struct {
		subject string
		seconds int64
	}{
		"subject: system:serviceaccount:a:b, seconds after warning threshold: 4185802": {"system:serviceaccount:a:b", 4185802},
		"subject: x":                           {"x", 0},
		"garbage":                              {"", 0},
		"seconds after warning threshold: abc": {"", 0},
	} {
		s, n := parseStaleToken(v)
		if s != want.subject || n != want.seconds {
			t.Errorf("%q: %q %d", v, s, n)
		}
	}
}

func FuzzParseStaleToken(f *testing.F) {
	f.Add("subject: system:serviceaccount:a:b, seconds after warning threshold: 42")
	f.Add(",:,")
	f.Fuzz(func(t *testing.T, v string) {
		subject, _ := parseStaleToken(v)
		if !strings.Contains(v, subject) {
			t.Fatalf("subject %q is not in %q", subject, v)
		}
	})
}

func TestLoopback(t *testing.T) {
	for v, want := range map[string]bool{"loopback=true": true, "loopback=true,x": true, " loopback=true ,y": true,
		"loopback=false": false, "": false, "x,loopback=true": false} {
		if loopback(v) != want {
			t.Errorf("loopback(%q) != %v", v, want)
		}
	}
}

func TestMinutes(t *testing.T) {
	var m minutes
	base := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC).UnixNano()
	for i := range 90 {
		m.add(base+int64(i)*int64(time.Second)*2/3, 1) // 1.5 a second for 60 s
	}
	m.add(base-int64(time.Minute), 5) // out of order
	m.add(0, 100)                     // no time: not counted
	var o minutes
	o.add(base+int64(time.Minute)/2, 10)
	m.merge(&o)
	if hot, peak := m.over(60); hot != 1 || peak != 100 {
		t.Errorf("hot %d peak %d, want 1 100 (%v)", hot, peak, m.entries())
	}
	if e := m.entries(); !slices.IsSorted(e) || len(e) != 2 {
		t.Errorf("minutes %v", e)
	}
}

func TestSampleSetOrder(t *testing.T) {
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = strings.Repeat(string(rune('a'+i%26)), 1+i/26)
	}
	var a, b, c sampleSet
	for _, id := range ids {
		a.offer(aggregate.SampleHash(id), id)
	}
	for i := len(ids) - 1; i >= 0; i-- {
		b.offer(aggregate.SampleHash(ids[i]), ids[i])
		b.offer(aggregate.SampleHash(ids[i]), ids[i]) // twice: kept once
	}
	var c1, c2 sampleSet
	for i, id := range ids {
		if i%3 == 0 {
			c1.offer(aggregate.SampleHash(id), id)
		} else {
			c2.offer(aggregate.SampleHash(id), id)
		}
	}
	c.merge(c2)
	c.merge(c1)
	if !slices.Equal(a.ids(), b.ids()) || !slices.Equal(a.ids(), c.ids()) || len(a) != maxSamples {
		t.Errorf("samples depend on order:\n%v\n%v\n%v", a.ids(), b.ids(), c.ids())
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{Low, Medium, High} {
		b, _ := json.Marshal(s)
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%s: %s, %v %v", s, b, back, err)
		}
	}
	var s Severity
	if s.UnmarshalText([]byte("urgent")) == nil || Severity(9).String() != "severity(9)" {
		t.Error("bad severities accepted")
	}
}

func TestOptionsDefaults(t *testing.T) {
	if got, want := (Options{}).withDefaults(), DefaultOptions(); !optionsEqual(got, want) {
		t.Errorf("zero options: %+v\nwant %+v", got, want)
	}
	o := Options{DeniedPerHour: 7, RenewedResources: []string{}, Rows: -1}.withDefaults()
	if o.DeniedPerHour != 7 || len(o.RenewedResources) != 0 || o.Rows != DefaultOptions().Rows {
		t.Errorf("options %+v", o)
	}
}

func optionsEqual(a, b Options) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// newEntry makes an entry for the detectors' unit tests.
func newEntry(verb, user, uri string, code int32, recv time.Time, latency time.Duration, ann map[string]string) *auditlog.Entry {
	ev := &auditv1.Event{Stage: auditv1.StageResponseComplete, Verb: verb, RequestURI: uri, AuditID: types.UID("id-" + uri + recv.String()),
		Annotations: ann}
	ev.User.Username = user
	ev.ResponseStatus = &metav1.Status{Code: code}
	ev.RequestReceivedTimestamp.Time = recv
	ev.StageTimestamp.Time = recv.Add(latency)
	e := new(auditlog.Entry)
	e.Reset(ev, nil, 1, "master-0")
	return e
}

func TestLongRunning(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		verb, uri string
		want      bool
	}{
		{"watch", "/api/v1/pods?watch=true", true},
		{"get", "/api/v1/namespaces/a/pods/b/log?follow=true", true},
		{"get", "/api/v1/namespaces/a/pods/b/log", false},
		{"create", "/api/v1/namespaces/a/pods/b/exec?command=sh", true},
		{"create", "/api/v1/namespaces/a/pods/b/portforward", true},
		{"get", "/api/v1/nodes/n/proxy/metrics", true},
		{"proxy", "/api/v1/proxy/nodes/n", true},
		{"list", "/api/v1/pods", false},
	} {
		var f facts
		f.init(newEntry(tc.verb, "u", tc.uri, 200, t0, time.Second, nil))
		if got := longRunning(&f); got != tc.want {
			t.Errorf("%s %s: %v", tc.verb, tc.uri, got)
		}
	}
}

// TestSlowLayerAttribution checks that a slow request counts against the
// layer that took most of its time, and that long-running requests and
// requests without a dominant layer do not count.
func TestSlowLayerAttribution(t *testing.T) {
	ds, d := only[*slowLayers](t, Options{SlowPerHour: -1, SlowShare: -1})
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	ann := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m["apiserver.latency.k8s.io/"+kv[i]] = kv[i+1]
		}
		return m
	}
	ds.Add(newEntry("create", "a", "/api/v1/namespaces/x/pods", 201, t0, 3*time.Second,
		ann("total", "3s", "mutating-webhook", "1s", "validating-webhook", "1.2s", "etcd", "10ms")))
	ds.Add(newEntry("get", "a", "/api/v1/namespaces/x/configmaps/c", 200, t0, 2*time.Second,
		ann("total", "2s", "etcd", "1.5s", "response-write", "1ms")))
	ds.Add(newEntry("get", "a", "/api/v1/namespaces/x/configmaps/c", 200, t0, 2*time.Second,
		ann("total", "2s", "etcd", "0.5s", "serialize-response-object", "0.4s"))) // no layer has half
	ds.Add(newEntry("watch", "a", "/api/v1/pods?watch=true", 200, t0, time.Minute,
		ann("total", "60s", "response-write", "59s"))) // long-running
	ds.Add(newEntry("create", "a", "/api/v1/namespaces/x/pods/p/exec", 101, t0, time.Minute,
		ann("total", "60s", "response-write", "59s"))) // long-running
	got := map[string]int64{}
	for _, f := range d.result() {
		got[f.Subject] = f.Magnitude
	}
	if len(got) != 2 || got["admission-webhooks"] != 1 || got["etcd"] != 1 {
		t.Errorf("slow layers %v", got)
	}
	if d.shortRunning != 3 {
		t.Errorf("%d short-running requests, want 3", d.shortRunning)
	}
}

// TestDeniedRules checks the RBAC rules derived from 403s: verbs merged
// per resource, resources with the same verbs merged, a Role per
// namespace, a ClusterRole rule for cluster scope and non-resource URLs.
func TestDeniedRules(t *testing.T) {
	ds, d := only[*deniedStorm](t, Options{DeniedPerHour: -1, DeniedShare: -1})
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	for _, r := range []struct{ verb, uri string }{
		{"get", "/api/v1/nodes/n1/proxy/metrics"},
		{"get", "/api/v1/nodes/n2/proxy/metrics"},
		{"list", "/api/v1/nodes"},
		{"get", "/api/v1/namespaces/a/configmaps/x"},
		{"list", "/api/v1/namespaces/a/configmaps"},
		{"get", "/api/v1/namespaces/a/secrets/y"},
		{"list", "/api/v1/namespaces/a/secrets"},
		{"watch", "/apis/apps/v1/namespaces/b/deployments?watch=true"},
		{"get", "/metrics"},
	} {
		ds.Add(newEntry(r.verb, "sa", r.uri, 403, t0, time.Millisecond, nil))
	}
	ds.Add(newEntry("get", "sa", "/api/v1/namespaces/a/pods/p", 404, t0, time.Millisecond, nil)) // not refused
	fs := d.result()
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	got, _ := json.Marshal(fs[0].Rules)
	want := `[{"nonResourceURLs":["/metrics"],"verbs":["get"]},` +
		`{"apiGroups":[""],"resources":["nodes"],"verbs":["list"]},` +
		`{"apiGroups":[""],"resources":["nodes/proxy"],"verbs":["get"]},` +
		`{"namespace":"a","apiGroups":[""],"resources":["configmaps","secrets"],"verbs":["get","list"]},` +
		`{"namespace":"b","apiGroups":["apps"],"resources":["deployments"],"verbs":["watch"]}]`
	if string(got) != want {
		t.Errorf("rules\n%s\nwant\n%s", got, want)
	}
	if n, _ := number(fs[0].Numbers, "requests of the user"); n != 10 {
		t.Errorf("%v requests of the user, want 10", n)
	}
}

// TestConflictShare checks that conflicts count only when they are a
// share of the user's writes: a busy controller conflicting a few times
// in a hundred is ordinary.
func TestConflictShare(t *testing.T) {
	ds, d := only[*writeErrors](t, Options{})
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	for i := range 2000 {
		code := int32(200)
		if i%50 == 0 {
			code = 409 // 40 conflicts, 2%
		}
		ds.Add(newEntry("update", "busy-controller", fmt.Sprintf("/api/v1/namespaces/a/configmaps/c%d", i%97), code, t0.Add(time.Duration(i)*time.Second), time.Millisecond, nil))
	}
	for i := range 30 {
		code := int32(409)
		if i%2 == 0 {
			code = 200 // 15 conflicts, 50%
		}
		ds.Add(newEntry("update", "fighter", "/api/v1/namespaces/a/configmaps/x", code, t0.Add(time.Duration(i)*time.Minute), time.Millisecond, nil))
	}
	var got []string
	for _, f := range d.result() {
		for _, r := range f.Rows {
			got = append(got, fmt.Sprintf("%s %s %d %.2f", f.ID, r.Offender, r.Count, r.Share))
		}
	}
	if want := []string{"write-conflicts fighter 15 0.50"}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

// TestFactsReused checks that facts reused from one entry to the next
// (Detectors keeps them) say nothing of the entry before: the annotations'
// facts, cleared only after an entry that had some, and the rest.
func TestFactsReused(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	noted := newEntry("create", "a", "/api/v1/namespaces/n/pods", 201, t0, time.Second, map[string]string{
		latencyPrefix + "total": "1s", latencyPrefix + "etcd": "900ms", annPodSecurity: "privileged:latest",
	})
	plain := newEntry("get", "b", "/api/v1/namespaces/n/pods/p", 200, t0, time.Millisecond, map[string]string{
		"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "",
	})
	var f facts
	f.init(noted)
	if f.latencyTotal != "1s" || f.podSecurity == "" || f.layers[layerEtcd][0] != "900ms" {
		t.Fatalf("annotated entry: total %q, pod security %q, etcd %q", f.latencyTotal, f.podSecurity, f.layers[layerEtcd][0])
	}
	f.objectKey("create")
	f.init(plain)
	if f.annotationFacts != (annotationFacts{}) {
		t.Errorf("the entry after an annotated one keeps its annotations' facts: %+v", f.annotationFacts)
	}
	if f.verb != "get" || f.user != "b" || f.code != 200 || f.objKind != "" || f.costed {
		t.Errorf("the entry after another: verb %q, user %q, code %d, key kind %q, costed %v", f.verb, f.user, f.code, f.objKind, f.costed)
	}
	if key, _, _ := f.objectKey("get"); !strings.Contains(string(key), "/pods/p") {
		t.Errorf("object key %q", key)
	}
}
