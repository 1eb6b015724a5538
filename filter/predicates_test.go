package filter

import (
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	authnv1 "k8s.io/api/authentication/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// v1beta1Line is a real v1beta1 event (audit2rbac's demo log): no
// requestReceivedTimestamp or stageTimestamp, an impersonated user, IPv6
// loopback source.
const v1beta1Line = `{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","metadata":{"creationTimestamp":"2017-09-11T19:55:05Z"},"level":"Metadata","timestamp":"2017-09-11T19:55:05Z","auditID":"033d17af-082d-4b24-aa22-627752e83d71","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"list","user":{"username":"system:admin","groups":["system:masters","system:authenticated"]},"impersonatedUser":{"username":"bob","groups":["system:authenticated"]},"sourceIPs":["::1"],"objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403}}`

// requestReceivedLine is a v1beta1 RequestReceived event: no responseStatus.
const requestReceivedLine = `{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","metadata":{"creationTimestamp":"2017-09-11T19:57:33Z"},"level":"Metadata","timestamp":"2017-09-11T19:57:33Z","auditID":"efa66285-edeb-4d96-b5a3-1ad86ee63437","stage":"RequestReceived","requestURI":"/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/audit2rbac:bob","verb":"delete","user":{"username":"system:admin","groups":["system:masters","system:authenticated"]},"sourceIPs":["::1"],"objectRef":{"resource":"roles","namespace":"default","name":"audit2rbac:bob","apiGroup":"rbac.authorization.k8s.io","apiVersion":"v1"}}`

func must(f Filter, err error) Filter {
	if err != nil {
		panic(err)
	}
	return f
}

func TestPredicates(t *testing.T) {
	v1beta1 := fromJSON(t, v1beta1Line)
	received := fromJSON(t, requestReceivedLine)
	impersonated := func(e *auditv1.Event) { e.ImpersonatedUser = &authnv1.UserInfo{Username: "bob"} }
	groups := func(g ...string) func(*auditv1.Event) { return func(e *auditv1.Event) { e.User.Groups = g } }
	ips := func(ip ...string) func(*auditv1.Event) { return func(e *auditv1.Event) { e.SourceIPs = ip } }
	ua := func(s string) func(*auditv1.Event) { return func(e *auditv1.Event) { e.UserAgent = s } }
	level := func(l auditv1.Level) func(*auditv1.Event) { return func(e *auditv1.Event) { e.Level = l } }
	noTimes := func(e *auditv1.Event) {
		e.RequestReceivedTimestamp.Time = time.Time{}
		e.StageTimestamp.Time = time.Time{}
	}
	const pods = "/api/v1/namespaces/ns/pods/p"
	tests := []struct {
		name   string
		filter Filter
		entry  *auditlog.Entry
		want   bool
	}{
		{"verb", Verbs("get", "list"), ev(pods, verb("list")), true},
		{"verb miss", Verbs("get", "list"), ev(pods, verb("delete")), false},
		{"user", Users("system:serviceaccount:*"), ev(pods, user("system:serviceaccount:a:b")), true},
		{"user ignores impersonation", Users("bob"), ev(pods, impersonated), false},
		{"uid", UIDs("0000-*"), ev(pods), true},
		{"uid miss", UIDs("-0000-1111"), ev(pods), false},

		{"stage", must(Stages("ResponseComplete")), ev(pods), true},
		{"stage miss", must(Stages("RequestReceived", "Panic")), ev(pods), false},
		{"stage of v1beta1", must(Stages("RequestReceived")), received, true},
		{"level", must(Levels("Metadata")), ev(pods), true},
		{"level miss", must(Levels("Request", "RequestResponse")), ev(pods, level(auditv1.LevelMetadata)), false},

		{"status", must(HTTPStatusCodes(403, 404)), ev(pods, code(403)), true},
		{"status miss", must(HTTPStatusCodes(403)), ev(pods), false},
		{"status without responseStatus", must(HTTPStatusCodes(200)), ev(pods, noStatus), false},
		{"status of v1beta1", must(HTTPStatusCodes(403)), v1beta1, true},
		{"status of RequestReceived", must(HTTPStatusCodes(200, 403)), received, false},
		{"failed 403", FailedOnly(), ev(pods, code(403)), true},
		{"failed 300", FailedOnly(), ev(pods, code(300)), true},
		{"failed 299", FailedOnly(), ev(pods, code(299)), false},
		{"failed without responseStatus", FailedOnly(), ev(pods, noStatus), false},
		{"failed RequestReceived", FailedOnly(), received, false},

		{"before strict", Before(t0), ev(pods), false},
		{"before", Before(t0.Add(time.Nanosecond * 1000)), ev(pods), true},
		{"after strict", After(t0), ev(pods), false},
		{"after", After(t0.Add(-time.Second)), ev(pods), true},
		{"before keeps v1beta1 (zero time)", Before(t0), v1beta1, true},
		{"after drops v1beta1 (zero time)", After(t0), v1beta1, false},
		{"window inside", Window(t0, t0.Add(time.Second)), ev(pods), true},
		{"window since inclusive", Window(t0, time.Time{}), ev(pods), true},
		{"window until exclusive", Window(time.Time{}, t0), ev(pods), false},
		{"window before since", Window(t0.Add(time.Second), time.Time{}), ev(pods), false},
		{"window drops zero time", Window(t0, time.Time{}), v1beta1, false},

		{"duration at most", MaxLatency(time.Millisecond), ev(pods), true},
		{"duration at most, slower", MaxLatency(time.Millisecond), ev(pods, latency(2*time.Millisecond)), false},
		{"duration of v1beta1 is unknown", MaxLatency(time.Hour), v1beta1, false},
		{"min latency of v1beta1 is unknown", MinLatency(0), v1beta1, false},
		{"min latency", MinLatency(time.Second), ev(pods, latency(2*time.Second)), true},
		{"min latency, inclusive", MinLatency(time.Millisecond), ev(pods), true},
		{"min latency, faster", MinLatency(time.Second), ev(pods), false},
		{"min latency without timestamps", MinLatency(time.Nanosecond), ev(pods, noTimes), false},

		{"psa all", must(PodSecurityViolations("all")), ev("/apis/apps/v1/namespaces/ns/deployments/d", annot(PodSecurityViolationsAnnotation, "x")), true},
		{"psa pod on deployment", must(PodSecurityViolations("pod")), ev("/apis/apps/v1/namespaces/ns/deployments/d", annot(PodSecurityViolationsAnnotation, "x")), false},
		{"psa pod on pod", must(PodSecurityViolations("pod")), ev("/api/v1/namespaces/ns/pods", annot(PodSecurityViolationsAnnotation, "x")), true},
		{"psa without annotation", must(PodSecurityViolations("all")), ev(pods, annot("other", "x")), false},
		{"psa without annotations", must(PodSecurityViolations("all")), ev(pods), false},

		{"impersonated", ImpersonatedUsers("bob"), ev(pods, impersonated), true},
		{"impersonated v1beta1", ImpersonatedUsers("b*"), v1beta1, true},
		{"not impersonated", ImpersonatedUsers("bob"), ev(pods), false},
		{"impersonation excluded keeps plain", ImpersonatedUsers("-bob"), ev(pods), true},
		{"group", Groups("system:serviceaccounts:openshift-*"), ev(pods, groups("system:serviceaccounts", "system:serviceaccounts:openshift-monitoring")), true},
		{"group miss", Groups("system:serviceaccounts:openshift-*"), ev(pods), false},
		{"group excluded", Groups("-system:masters"), v1beta1, false},

		{"user agent prefix", UserAgents("kubectl"), ev(pods), true},
		{"user agent prefix star", UserAgents("kubectl/*"), ev(pods), true},
		{"user agent excluded", UserAgents("-kubectl"), ev(pods), false},
		{"user agent miss", UserAgents("oc/"), ev(pods), false},
		{"user agent empty", UserAgents("kubectl"), ev(pods, ua("")), false},
		{"user agent regexp", must(UserAgentRegexps(`^oc/4\.1[0-9]`, `linux/amd64`)), ev(pods), true},
		{"user agent regexp miss", must(UserAgentRegexps(`^oc/`)), ev(pods), false},

		{"ip exact", must(SourceIPs("10.0.0.7")), ev(pods), true},
		{"ip cidr", must(SourceIPs("10.0.0.0/8")), ev(pods), true},
		{"ip cidr miss", must(SourceIPs("192.168.0.0/16")), ev(pods), false},
		{"ip second source", must(SourceIPs("192.168.1.1")), ev(pods, ips("10.0.0.7", "192.168.1.1")), true},
		{"ip mapped", must(SourceIPs("10.0.0.0/24")), ev(pods, ips("::ffff:10.0.0.9")), true},
		{"ip v6", must(SourceIPs("::1")), v1beta1, true},
		{"ip v6 cidr", must(SourceIPs("fd00::/8")), ev(pods, ips("fd00::1:2")), true},
		{"ip garbage in event", must(SourceIPs("10.0.0.0/8")), ev(pods, ips("not-an-ip")), false},
		{"ip none", must(SourceIPs("10.0.0.0/8")), ev(pods, ips()), false},

		{"annotation present", must(Annotations("a")), ev(pods, annot("a", "")), true},
		{"annotation absent", must(Annotations("a")), ev(pods, annot("b", "")), false},
		{"annotation value", must(Annotations("a=1")), ev(pods, annot("a", "1")), true},
		{"annotation value miss", must(Annotations("a=1")), ev(pods, annot("a", "10")), false},
		{"annotation empty value", must(Annotations("a=")), ev(pods, annot("a", "")), true},
		{"annotation regexp", must(Annotations("a~^1[0-9]$")), ev(pods, annot("a", "10")), true},
		{"annotation regexp miss", must(Annotations("a~^1[0-9]$")), ev(pods, annot("a", "100")), false},
		{"annotation any of", must(Annotations("x", "a=1")), ev(pods, annot("a", "1")), true},
		{"decision forbid", must(Decision("forbid")), ev(pods, annot(DecisionAnnotation, "forbid")), true},
		{"decision allow", must(Decision("allow")), ev(pods, annot(DecisionAnnotation, "forbid")), false},
		{"decision missing", must(Decision("allow")), ev(pods), false},

		{"server", must(Servers("kube-apiserver")), ev(pods), true},
		{"server miss", must(Servers("oauth-server", "openshift-apiserver")), ev(pods), false},
		{"server of unknown source", must(Servers("kube-apiserver")), v1beta1, false},
		{"node", Nodes("master-*"), ev(pods), true},
		{"node miss", Nodes("master-1"), ev(pods), false},

		{"read", ReadOnly(), ev(pods), true},
		{"read list", ReadOnly(), ev(pods, verb("list")), true},
		{"read miss", ReadOnly(), ev(pods, verb("patch")), false},
		{"write", WriteOnly(), ev(pods, verb("deletecollection")), true},
		{"write post", WriteOnly(), ev("/apis/authorization.k8s.io/v1/subjectaccessreviews", verb("create")), true},
		{"write miss", WriteOnly(), ev(pods, verb("watch")), false},
		{"write no verb", WriteOnly(), ev(pods, verb("")), false},

		{"long: watch verb", LongRunning(), ev("/api/v1/pods", verb("watch")), true},
		{"long: watch param", LongRunning(), ev("/api/v1/pods?watch=true&resourceVersion=1", verb("list")), true},
		{"long: watch param false", LongRunning(), ev("/api/v1/pods?watch=false", verb("list")), false},
		{"long: exec", LongRunning(), ev("/api/v1/namespaces/ns/pods/p/exec?command=sh", verb("create")), true},
		{"long: attach", LongRunning(), ev("/api/v1/namespaces/ns/pods/p/attach", verb("create")), true},
		{"long: port-forward", LongRunning(), ev("/api/v1/namespaces/ns/pods/p/portforward", verb("create")), true},
		{"long: node proxy", LongRunning(), ev("/api/v1/nodes/n/proxy/metrics"), true},
		{"long: log follow", LongRunning(), ev("/api/v1/namespaces/ns/pods/p/log?follow=true"), true},
		{"long: log", LongRunning(), ev("/api/v1/namespaces/ns/pods/p/log?tailLines=10"), false},
		{"long: get", LongRunning(), ev(pods), false},
		{"long: healthz", LongRunning(), ev("/healthz"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.Match(tt.entry); got != tt.want {
				t.Errorf("%s on %s = %v, want %v", tt.filter, tt.entry.Event.RequestURI, got, tt.want)
			}
		})
	}
}

func TestCompose(t *testing.T) {
	get, list := Verbs("get"), Verbs("list")
	e := ev("/api/v1/pods", verb("get"))
	tests := []struct {
		f     Filter
		want  bool
		print string
	}{
		{And(), true, ""},
		{Or(), false, "()"},
		{And(get), true, "--verb=get"},
		{And(get, list), false, "--verb=get --verb=list"},
		{And(And(get, FailedOnly()), list), false, "--verb=get --failed-only --verb=list"},
		{Or(get, list), true, "(--verb=get or --verb=list)"},
		{Or(Or(list, list), get), true, "(--verb=list or --verb=list or --verb=get)"},
		{Not(get), false, "not(--verb=get)"},
		{Not(Or(list, FailedOnly())), true, "not((--verb=list or --failed-only))"},
		{And(get, Not(list)), true, "--verb=get not(--verb=list)"},
	}
	for _, tt := range tests {
		if got := tt.f.Match(e); got != tt.want {
			t.Errorf("%q.Match = %v, want %v", tt.f, got, tt.want)
		}
		if got := tt.f.String(); got != tt.print {
			t.Errorf("String() = %q, want %q", got, tt.print)
		}
	}
	fs := And(get, must(Resources("pods")), FailedOnly()).Fields()
	want := auditlog.FieldVerb | auditlog.FieldRequestURI | auditlog.FieldResponseCode
	if fs != want {
		t.Errorf("Fields = %v, want %v", fs, want)
	}
	if got := Not(Or(get, Nodes("x"))).Fields(); got != auditlog.FieldVerb {
		t.Errorf("Not(Or).Fields = %v", got)
	}
}
