package filter

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func mustWhere(t testing.TB, exprs ...string) Filter {
	t.Helper()
	f, err := Where(exprs...)
	if err != nil {
		t.Fatalf("Where(%q): %v", exprs, err)
	}
	return f
}

// full is an event with every part the variables read.
func full(e *auditv1.Event) {
	e.User = authnv1.UserInfo{
		Username: "system:serviceaccount:ns:sa", UID: "u-1",
		Groups: []string{"system:serviceaccounts", "system:authenticated"},
		Extra:  map[string]authnv1.ExtraValue{"authentication.kubernetes.io/pod-name": {"pod-1"}},
	}
	e.ImpersonatedUser = &authnv1.UserInfo{Username: "bob", Groups: []string{"devs"}}
	e.ObjectRef = &auditv1.ObjectReference{Resource: "pods", Namespace: "ns", Name: "p", UID: "o-1",
		APIGroup: "", APIVersion: "v1", ResourceVersion: "42", Subresource: "log"}
	e.ResponseStatus = &metav1.Status{Code: 403, Status: "Failure", Reason: metav1.StatusReasonForbidden, Message: "forbidden: no"}
	e.Annotations = map[string]string{"authorization.k8s.io/decision": "forbid", "x": ""}
	e.SourceIPs = []string{"10.0.0.7", "fd00::1"}
}

// bare is an event without any optional part.
func bare(e *auditv1.Event) {
	e.ObjectRef, e.ResponseStatus, e.ImpersonatedUser, e.Annotations = nil, nil, nil, nil
	e.User = authnv1.UserInfo{}
	e.SourceIPs = nil
	e.RequestReceivedTimestamp, e.StageTimestamp = metav1.MicroTime{}, metav1.MicroTime{}
}

// TestWhereVariables checks what each variable reads, on an event with
// every part and on one without any.
func TestWhereVariables(t *testing.T) {
	const uri = "/api/v1/namespaces/ns/pods/p/log?follow=true&container=c%2B1&limit=500&limit=7&a+b=x+y"
	withAll := ev(uri, full, latency(2500*time.Millisecond))
	without := ev("/healthz", bare)
	tests := []struct {
		expr          string
		all, withNone bool
	}{
		{"verb == 'get' && stage == 'ResponseComplete' && level == 'Metadata' && auditID == '0000-1111'", true, true},
		{"requestURI.startsWith('/api/v1/namespaces/ns/pods/p/log?')", true, false},
		{"userAgent.startsWith('kubectl/')", true, true},
		{"user.username == 'system:serviceaccount:ns:sa' && user.uid == 'u-1'", true, false},
		{"'system:authenticated' in user.groups && user.groups.size() == 2", true, false},
		{"user.extra['authentication.kubernetes.io/pod-name'] == ['pod-1']", true, false},
		{"user.extra['nope'] == [] && !('nope' in user.extra)", true, true},
		{"impersonatedUser.username == 'bob' && impersonatedUser.groups == ['devs']", true, false},
		{"impersonatedUser.username == '' && impersonatedUser.groups.size() == 0", false, true},
		{"sourceIPs[0] == '10.0.0.7' && sourceIPs.exists(ip, ip.contains(':'))", true, false},
		{"sourceIPs.size() == 0", false, true},
		{"objectRef.resource == 'pods' && objectRef.namespace == 'ns' && objectRef.name == 'p' && objectRef.uid == 'o-1'", true, false},
		{"objectRef.apiGroup == '' && objectRef.apiVersion == 'v1' && objectRef.resourceVersion == '42' && objectRef.subresource == 'log'", true, false},
		{"objectRef.name == '' && objectRef.resource == ''", false, true},
		{"has(objectRef.name) && !has(objectRef.apiGroup)", true, false},
		{"responseStatus.code == 403 && responseStatus.status == 'Failure' && responseStatus.reason == 'Forbidden'", true, false},
		{"responseStatus.message.contains('forbidden')", true, false},
		{"responseStatus.code == 0 && responseStatus.reason == ''", false, true},
		{"annotations['authorization.k8s.io/decision'] == 'forbid'", true, false},
		{"annotations['missing'] == '' && !('missing' in annotations)", true, true},
		{"'x' in annotations && annotations['x'] == '' && annotations.size() == 2", true, false},
		{"annotations.exists(k, k.startsWith('authorization.'))", true, false},
		{"latency == duration('2.5s') && latency > duration('2s')", true, false},
		{"latency == duration('0s')", false, true},
		{"requestReceived == timestamp('2022-02-07T22:15:16Z') && stageTimestamp - requestReceived == duration('2500ms')", true, false},
		{"requestReceived.getHours() == 22", true, false},
		{"request.resource == 'pods' && request.namespace == 'ns' && request.name == 'p' && request.subresource == 'log'", true, false},
		{"request.group == '' && request.version == 'v1' && request.path == '/api/v1/namespaces/ns/pods/p/log' && request.subresourcePath == 'log'", true, false},
		{"request.path == '/healthz' && request.resource == '' && request.version == ''", false, true},
		{"request.query['follow'] == 'true' && request.query['limit'] == '500'", true, false},
		{"request.query['container'] == 'c+1' && request.query['a b'] == 'x y'", true, false},
		{"request.query['missing'] == '' && !('missing' in request.query) && 'limit' in request.query", true, false},
		{"request.query.size() == 4 && request.query.exists(k, k == 'a b')", true, false},
		{"request.query.size() == 0", false, true},
		{"server == 'kube-apiserver' && node == 'master-0'", true, true},
		{"user == user && user != impersonatedUser && objectRef == objectRef", true, false},
		{"dyn(user).username == 'system:serviceaccount:ns:sa'", true, false},
		{"type(annotations) == map && type(user.extra) == map && type(request.query) == map", true, true},
	}
	for _, tt := range tests {
		f := mustWhere(t, tt.expr)
		if got := f.Match(withAll); got != tt.all {
			t.Errorf("%s on the full event = %v, want %v", tt.expr, got, tt.all)
		}
		if got := f.Match(without); got != tt.withNone {
			t.Errorf("%s on the bare event = %v, want %v", tt.expr, got, tt.withNone)
		}
		if wf := WhereFailures(f); len(wf) > 0 {
			t.Errorf("%s failed: %+v", tt.expr, wf)
		}
	}
}

// TestWhereFields checks the exact fields each expression declares.
func TestWhereFields(t *testing.T) {
	const (
		user   = auditlog.FieldUser
		groups = auditlog.FieldUserGroups
		extra  = auditlog.FieldUserExtra
		uri    = auditlog.FieldRequestURI
	)
	tests := []struct {
		expr string
		want auditlog.Fields
	}{
		{"true", 0},
		{"server == 'kube-apiserver' && node != ''", 0},
		{"verb == 'get'", auditlog.FieldVerb},
		{"stage == 'x' || level == 'y' || auditID == 'z'", auditlog.FieldStage | auditlog.FieldLevel | auditlog.FieldAuditID},
		{"user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403", user | auditlog.FieldResponseCode},
		{"user.uid == ''", user},
		{"'a' in user.groups", groups},
		{"size(user.extra) > 0", extra},
		{"user == impersonatedUser", user | groups | extra | auditlog.FieldImpersonatedUser},
		{"impersonatedUser.username == ''", auditlog.FieldImpersonatedUser},
		{"responseStatus.reason == 'Forbidden'", auditlog.FieldResponseStatus},
		{"responseStatus.code == 403 && responseStatus.message != ''", auditlog.FieldResponseStatus | auditlog.FieldResponseCode},
		{"has(responseStatus.code)", auditlog.FieldResponseCode},
		{"objectRef.name == ''", auditlog.FieldObjectRef},
		{"request.query['limit'] != '' && request.resource == 'pods'", uri},
		{"requestURI.contains('watch')", uri},
		{"latency > duration('2s')", auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp},
		{"requestReceived > timestamp('2022-02-07T00:00:00Z')", auditlog.FieldRequestReceivedTimestamp},
		{"stageTimestamp > timestamp('2022-02-07T00:00:00Z')", auditlog.FieldStageTimestamp},
		{"'k' in annotations", auditlog.FieldAnnotations},
		{"sourceIPs.exists(ip, ip.startsWith('10.'))", auditlog.FieldSourceIPs},
		{"userAgent.matches('^kubectl')", auditlog.FieldUserAgent},
		// Names bound by a comprehension are not the event's.
		{"sourceIPs.exists(user, user == 'x')", auditlog.FieldSourceIPs},
		{"sourceIPs.all(verb, sourceIPs.exists(x, x == verb))", auditlog.FieldSourceIPs},
		{"sourceIPs.exists(x, x == verb)", auditlog.FieldSourceIPs | auditlog.FieldVerb},
		{"[user.username, verb].exists(x, x == 'a')", user | auditlog.FieldVerb},
		{"{'a': userAgent}['a'] == ''", auditlog.FieldUserAgent},
		{"annotations.exists_one(k, k == level)", auditlog.FieldAnnotations | auditlog.FieldLevel},
	}
	for _, tt := range tests {
		if got := mustWhere(t, tt.expr).Fields(); got != tt.want {
			t.Errorf("%s: Fields() = %v, want %v", tt.expr, got, tt.want)
		}
	}
	two := mustWhere(t, "verb == 'get'", "user.username == 'a'")
	if got, want := two.Fields(), auditlog.FieldVerb|user; got != want {
		t.Errorf("two expressions: Fields() = %v, want %v", got, want)
	}
}

// unquote reads back the three forms shellQuote writes.
func unquote(t *testing.T, s string) string {
	t.Helper()
	switch {
	case strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`):
		return s[1 : len(s)-1]
	case strings.HasPrefix(s, "'") && strings.HasSuffix(s, "'"):
		return strings.ReplaceAll(s[1:len(s)-1], `'\''`, "'")
	}
	t.Fatalf("%s is not quoted", s)
	return ""
}

// TestWhereString checks against testdata/where.golden how Where and
// Flags.Build print expressions, and that the printed value reads back,
// unquoted as a shell would, as the expression.
func TestWhereString(t *testing.T) {
	exprs := []string{
		"user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403",
		"latency > duration('2s') && verb == 'list'",
		"'pod-security.kubernetes.io/audit-violations' in annotations",
		"request.query['resourceVersion'] == '0' && request.query['limit'] != ''",
		`verb == "get"`,
		`!(verb in ['get', 'list'])`,
		`userAgent.matches('^kubectl/v1\\.2[0-9]')`,
		`userAgent == "it's" && requestURI.contains("$HOME")`,
		"sourceIPs.exists(ip,\n  ip.startsWith('10.'))",
	}
	var out strings.Builder
	for _, x := range exprs {
		f := mustWhere(t, x)
		s := f.String()
		out.WriteString(s + "\n")
		value, ok := strings.CutPrefix(s, "--where=")
		if !ok {
			t.Fatalf("%s does not start with --where=", s)
		}
		if got := unquote(t, value); got != x {
			t.Errorf("%s reads back as %q, want %q", s, got, x)
		}
	}
	f, err := Flags{Verbs: []string{"get"}, Where: []string{"responseStatus.code == 403", "user.username != 'a,b'"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	out.WriteString(f.String() + "\n")
	golden := filepath.Join("testdata", "where.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("String() differs from %s (rerun with -update):\n%s", golden, out.String())
	}
}

// TestWhereCompileErrors checks that a mistake is a *FlagError naming
// --where and the expression, whose message gives the line:column of the
// mistake.
func TestWhereCompileErrors(t *testing.T) {
	tests := []struct {
		expr string
		at   string // line:column, from 1
		says string
	}{
		{"verb = 'get'", "1:6:", "Syntax error"},
		{"verb == 'get' && usr.username == 'a'", "1:18:", "undeclared reference to 'usr'"},
		{"user.name == 'a'", "1:5:", "undefined field 'name'"},
		{"responseStatus.code == '403'", "1:21:", "no matching overload"},
		{"latency > 2", "1:9:", "no matching overload"},
		{"verb", "1:1:", "not bool"},
		{"verb == 'get' &&\n  annotations['k'] == 1", "2:20:", "no matching overload"},
		{"userAgent.matches('(')", "1:19:", "invalid matches argument"},
		{"latency > duration('2 s')", "1:20:", "invalid duration argument"},
		{"requestReceived > timestamp('yesterday')", "1:29:", "invalid timestamp argument"},
		{"", "1:1:", "Syntax error"},
		{"auditlens.User{username: 'a'}.username == 'a'", "1:15:", "cannot be created"},
	}
	for _, tt := range tests {
		_, err := Where("true", tt.expr)
		var fe *FlagError
		if !errors.As(err, &fe) {
			t.Errorf("Where(%q) = %v, want a *FlagError", tt.expr, err)
			continue
		}
		msg := err.Error()
		if fe.Flag != "where" || fe.Value != tt.expr || !strings.HasPrefix(msg, "invalid --where value ") {
			t.Errorf("Where(%q): error names --%s=%q: %s", tt.expr, fe.Flag, fe.Value, msg)
		}
		if cause := fe.Err.Error(); !strings.HasPrefix(cause, tt.at) || !strings.Contains(cause, tt.says) {
			t.Errorf("Where(%q): cause %q, want it to start with %q and say %q", tt.expr, cause, tt.at, tt.says)
		}
	}
	_, err := Flags{Verbs: []string{"get"}, Where: []string{"verb == 'get'", "verb = 'get'"}}.Build()
	var fe *FlagError
	if !errors.As(err, &fe) || fe.Flag != "where" || fe.Value != "verb = 'get'" {
		t.Errorf("Build with a bad --where: %v, want a *FlagError naming it", err)
	}
}

// TestWhereFailures checks that an expression failing on an event does not
// keep it, and that the failure is counted with its place.
func TestWhereFailures(t *testing.T) {
	f, err := Flags{Verbs: []string{"get"}, Where: []string{
		"sourceIPs[1] != 'x'", // fails on events with one source IP
		"userAgent.matches(annotations['re'])",
	}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	one := ev("/api", annot("re", "^kubectl"))
	two := ev("/api", annot("re", "^kubectl"), func(e *auditv1.Event) { e.SourceIPs = []string{"a", "b"} })
	badRE := ev("/api", annot("re", "(("), func(e *auditv1.Event) { e.SourceIPs = []string{"a", "b"} })
	for i, c := range []struct {
		e    *auditlog.Entry
		want bool
	}{{one, false}, {two, true}, {badRE, false}, {one, false}} {
		c.e.Line = int64(10 - i)
		if got := f.Match(c.e); got != c.want {
			t.Errorf("event %d: Match = %v, want %v", i, got, c.want)
		}
	}
	got := WhereFailures(f)
	if len(got) != 2 {
		t.Fatalf("WhereFailures = %+v, want two expressions", got)
	}
	if got[0].Expr != "sourceIPs[1] != 'x'" || got[0].Count != 2 || len(got[0].Samples) != 2 {
		t.Errorf("first: %+v, want 2 failures with samples", got[0])
	}
	if s := got[0].Samples; len(s) == 2 && (s[0].Line != 7 || s[1].Line != 10 || s[0].File != "kube-apiserver/master-0-audit.log" || !strings.Contains(s[0].Detail, "index out of")) {
		t.Errorf("samples %v, want lines 7 and 10 in file order with CEL's error", s)
	}
	if got[1].Count != 1 || !strings.Contains(got[1].Samples[0].Detail, "missing closing") {
		t.Errorf("second: %+v, want the bad regular expression", got[1])
	}
	if WhereFailures(mustWhere(t, "true")) != nil || WhereFailures(Verbs("get")) != nil {
		t.Error("WhereFailures of filters that never failed is not empty")
	}
	// Or and Not are walked too.
	nested := Or(Verbs("list"), Not(mustWhere(t, "sourceIPs[3] == ''")))
	nested.Match(one)
	if wf := WhereFailures(nested); len(wf) != 1 || wf[0].Count != 1 {
		t.Errorf("nested: %+v, want one failure", wf)
	}
}

// TestWhereCostLimit checks that a loop over too much work stops at the
// cost limit, as a counted failure, in a bounded time.
func TestWhereCostLimit(t *testing.T) {
	ips := make([]string, 2000)
	for i := range ips {
		ips[i] = "10.0.0.1"
	}
	e := ev("/api", func(e *auditv1.Event) { e.SourceIPs = ips })
	f := mustWhere(t, "sourceIPs.all(a, sourceIPs.all(b, sourceIPs.all(c, a + b + c != '')))")
	if f.Match(e) {
		t.Error("an expression over the cost limit kept the event")
	}
	wf := WhereFailures(f)
	if len(wf) != 1 || !strings.Contains(wf[0].Samples[0].Detail, "cost limit") {
		t.Errorf("failures %+v, want the cost limit", wf)
	}
	small := ev("/api", func(e *auditv1.Event) { e.SourceIPs = ips[:20] })
	if !f.Match(small) {
		t.Error("the same loop over 20 addresses did not complete")
	}
}

// TestWhereRace shares one compiled filter between many goroutines, which
// must decide as one goroutine does and count every failure (run with
// -race).
func TestWhereRace(t *testing.T) {
	entries := readEntries(t, "../testdata/corpus")
	const expr = "user.username.startsWith('system:') && responseStatus.code >= 200 || sourceIPs[1] == ''"
	serial := mustWhere(t, expr)
	want := make([]bool, len(entries))
	for i, e := range entries {
		want[i] = serial.Match(e)
	}
	wantFailures := WhereFailures(serial)[0].Count
	shared := mustWhere(t, expr)
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range entries {
				// Each worker its own entries, as in a scan: entries are
				// not shared, the filter is.
				e := *entries[i]
				e.Reset(e.Event, e.Source, e.Line, e.Node)
				if got := shared.Match(&e); got != want[i] {
					errs <- "mismatch"
					return
				}
				if w == 0 && i%100 == 0 {
					WhereFailures(shared) // reading while others count
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := WhereFailures(shared)[0].Count; got != workers*wantFailures {
		t.Errorf("%d failures counted, want %d", got, workers*wantFailures)
	}
}

// TestWhereDeclaredFields reads the committed inputs decoding only the
// fields each expression declares, and checks that it decides as on the
// fully decoded events: an expression reading a field it does not declare
// fails here.
func TestWhereDeclaredFields(t *testing.T) {
	type key struct {
		path string
		line int64
	}
	index := map[key]*auditlog.Entry{}
	all, err := sampleEntries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		index[key{e.Source.Path, e.Line}] = e
	}
	exprs := []string{
		"user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403",
		"latency > duration('100ms') && verb == 'list'",
		"'pod-security.kubernetes.io/audit-violations' in annotations || annotations['authorization.k8s.io/decision'] == 'forbid'",
		"request.query['resourceVersion'] == '0' && request.query['limit'] != ''",
		"user.groups.exists(g, g == 'system:masters') || size(user.extra) > 0",
		"impersonatedUser.username != '' || objectRef.name.startsWith('kube-')",
		"responseStatus.reason == 'NotFound' || responseStatus.message.contains('not found')",
		"sourceIPs.exists(ip, ip.startsWith('10.0.1')) && userAgent.contains('kubelet')",
		"stage == 'ResponseComplete' && level != 'Metadata' && auditID.endsWith('a')",
		"requestReceived > timestamp('2022-02-07T23:00:00Z') && stageTimestamp < timestamp('2022-02-08T00:00:00Z')",
		"request.resource == 'nodes' && request.subresource == 'proxy' && server == 'kube-apiserver' && node.startsWith('ip-10-0-1')",
		"user != impersonatedUser",
	}
	for _, x := range exprs {
		f := mustWhere(t, x)
		kept, failures := 0, 0
		readAll(t, samplePaths(), f.Fields(), func(e *auditlog.Entry) {
			all := index[key{e.Source.Path, e.Line}]
			got, want := f.Match(e), f.Match(all)
			if got {
				kept++
			}
			if got != want && failures < 3 {
				failures++
				t.Errorf("%s (reading %v) on %s:%d: %v, with every field %v", x, f.Fields(), e.Source.Path, e.Line, got, want)
			}
		})
		t.Logf("%s: %d kept", x, kept)
		if wf := WhereFailures(f); len(wf) > 0 {
			t.Errorf("%s failed: %+v", x, wf)
		}
	}
}

// TestWhereAllocs bounds what the README's expressions allocate per event:
// the CEL values of the strings and lists they read, nothing per
// evaluation (no activation, no map of the event).
func TestWhereAllocs(t *testing.T) {
	tests := []struct {
		expr string
		max  float64
	}{
		{"user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403", 1},
		{"latency > duration('2s') && verb == 'list'", 2},
		{"'pod-security.kubernetes.io/audit-violations' in annotations", 0},
		{"request.query['resourceVersion'] == '0' && request.query['limit'] != ''", 2},
	}
	e := ev("/api/v1/pods?resourceVersion=0&limit=500", user("system:serviceaccount:a:b"), code(403), latency(3*time.Second), verb("list"),
		annot("pod-security.kubernetes.io/audit-violations", "x"))
	for _, tt := range tests {
		f := mustWhere(t, tt.expr)
		if !f.Match(e) {
			t.Errorf("%s does not keep its event", tt.expr)
		}
		if n := testing.AllocsPerRun(100, func() { f.Match(e) }); n > tt.max {
			t.Errorf("%s: %v allocations per call, want at most %v", tt.expr, n, tt.max)
		}
	}
}
