package findings

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	authnv1 "k8s.io/api/authentication/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestAccess checks the access findings and their counter-cases: health,
// version and discovery by system:anonymous are never a finding, nor are
// requests refused; secrets read across namespaces by a person or in
// another namespace by a service account are, an operator's informer and
// the platform's service accounts are not; bindings to cluster-admin and
// impersonation of system:admin are, a binding to view and impersonating
// an ordinary user are not.
func TestAccess(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	ds := New(Options{})
	add := func(verb, user, uri string, code int32, edit func(e *auditlog.Entry)) {
		e := newEntry(verb, user, uri, code, t0, time.Millisecond, nil)
		if edit != nil {
			edit(e)
		}
		ds.Add(e)
	}
	const anon = "system:anonymous"
	for _, uri := range []string{"/healthz", "/readyz?verbose", "/livez/etcd", "/version", "/api", "/api/v1", "/apis",
		"/apis/apps", "/apis/apps/v1", "/openapi/v2", "/.well-known/openid-configuration", "/openid/v1/jwks"} {
		add("get", anon, uri, 200, nil)
	}
	add("get", anon, "/api/v1/namespaces/a/secrets/s", 200, nil)    // a finding
	add("get", anon, "/api/v1/namespaces/a/secrets/s", 403, nil)    // refused
	add("get", anon, "/metrics", 200, nil)                          // a finding
	add("list", "alice", "/api/v1/secrets", 200, nil)               // a finding
	add("get", "alice", "/api/v1/namespaces/a/secrets/s", 200, nil) // one namespace
	add("get", "system:serviceaccount:a:app", "/api/v1/namespaces/a/secrets/s", 200, nil)
	add("watch", "system:serviceaccount:ops:operator", "/api/v1/secrets?watch=true", 200, nil)
	add("list", "system:serviceaccount:backup:tool", "/api/v1/namespaces/pay/secrets", 200, nil) // a finding
	add("get", "system:serviceaccount:openshift-ingress-operator:op", "/api/v1/namespaces/openshift-config/secrets/s", 200, nil)
	add("get", "system:kube-controller-manager", "/api/v1/secrets", 200, nil)
	binding := func(role string) func(e *auditlog.Entry) {
		return func(e *auditlog.Entry) {
			e.Event.RequestObject = &runtime.Unknown{Raw: []byte(fmt.Sprintf(
				`{"kind":"ClusterRoleBinding","roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":%q},"subjects":[{"kind":"User","name":"mallory"}]}`, role))}
		}
	}
	add("create", "bob", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", 201, binding("cluster-admin")) // a finding
	add("create", "bob", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", 201, binding("view"))
	add("create", "carol", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", 403, binding("cluster-admin"))
	as := func(user string, groups ...string) func(e *auditlog.Entry) {
		return func(e *auditlog.Entry) { e.Event.ImpersonatedUser = &authnv1.UserInfo{Username: user, Groups: groups} }
	}
	add("get", "dave", "/api/v1/namespaces/a/pods", 200, as("system:admin"))                 // a finding
	add("get", "dave", "/api/v1/namespaces/a/pods", 200, as("erin", "system:masters"))       // a finding
	add("get", "dave", "/api/v1/namespaces/a/pods", 200, as("erin", "system:authenticated")) // ordinary
	var got []string
	for _, f := range ds.Result().Findings {
		if f.Group != GroupHygiene {
			continue
		}
		for _, r := range f.Rows {
			got = append(got, fmt.Sprintf("%s %s %s %d", f.ID, r.Offender, r.What, r.Count))
		}
	}
	slices.Sort(got)
	want := []string{
		"anonymous-access system:anonymous /metrics 1",
		"anonymous-access system:anonymous GET v1/secrets 1",
		"privileged-bindings bob CREATE clusterrolebindings (new) granting cluster-admin 1",
		"privileged-impersonation dave group system:masters 1",
		"privileged-impersonation dave system:admin 1",
		"secrets-wide alice LIST secrets across namespaces 1",
		"secrets-wide system:serviceaccount:backup:tool LIST secrets in namespace pay 1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
}
