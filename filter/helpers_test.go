package filter

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// t0 is the request time of the events built by ev.
var t0 = time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)

// ev builds an entry for a request to uri, completed with 200 in 1ms, then
// applies the modifiers.
func ev(uri string, mods ...func(*auditv1.Event)) *auditlog.Entry {
	e := &auditv1.Event{
		Level:                    auditv1.LevelMetadata,
		AuditID:                  "0000-1111",
		Stage:                    auditv1.StageResponseComplete,
		RequestURI:               uri,
		Verb:                     "get",
		User:                     authnv1.UserInfo{Username: "alice", Groups: []string{"system:authenticated"}},
		SourceIPs:                []string{"10.0.0.7"},
		UserAgent:                "kubectl/v1.29.1 (linux/amd64) kubernetes/bc401b9",
		ResponseStatus:           &metav1.Status{Code: 200},
		RequestReceivedTimestamp: metav1.NewMicroTime(t0),
		StageTimestamp:           metav1.NewMicroTime(t0.Add(time.Millisecond)),
	}
	for _, m := range mods {
		m(e)
	}
	en := &auditlog.Entry{}
	en.Reset(e, &auditlog.Source{Path: "kube-apiserver/master-0-audit.log", Server: auditlog.ServerKube, Node: "master-0"}, 1, "master-0")
	return en
}

// fromJSON decodes one audit event line into an entry.
func fromJSON(t testing.TB, line string) *auditlog.Entry {
	t.Helper()
	var e auditv1.Event
	if err := json.Unmarshal([]byte(line), &e); err != nil {
		t.Fatalf("decode %s: %v", line, err)
	}
	en := &auditlog.Entry{}
	en.Reset(&e, &auditlog.Source{}, 1, "")
	return en
}

func verb(v string) func(*auditv1.Event) { return func(e *auditv1.Event) { e.Verb = v } }
func user(u string) func(*auditv1.Event) { return func(e *auditv1.Event) { e.User.Username = u } }
func code(c int32) func(*auditv1.Event) {
	return func(e *auditv1.Event) { e.ResponseStatus = &metav1.Status{Code: c} }
}
func noStatus(e *auditv1.Event)                  { e.ResponseStatus = nil }
func stage(s auditv1.Stage) func(*auditv1.Event) { return func(e *auditv1.Event) { e.Stage = s } }
func objName(n string) func(*auditv1.Event) {
	return func(e *auditv1.Event) { e.ObjectRef = &auditv1.ObjectReference{Name: n} }
}
func annot(kv ...string) func(*auditv1.Event) {
	return func(e *auditv1.Event) {
		e.Annotations = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Annotations[kv[i]] = kv[i+1]
		}
	}
}
func latency(d time.Duration) func(*auditv1.Event) {
	return func(e *auditv1.Event) { e.StageTimestamp = metav1.NewMicroTime(t0.Add(d)) }
}
func at(t time.Time) func(*auditv1.Event) {
	return func(e *auditv1.Event) {
		e.RequestReceivedTimestamp = metav1.NewMicroTime(t)
		e.StageTimestamp = metav1.NewMicroTime(t.Add(time.Millisecond))
	}
}
