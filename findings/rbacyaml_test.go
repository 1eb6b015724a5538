package findings

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	rbacv1 "k8s.io/api/rbac/v1"
)

// decodeRBAC decodes an rbacYAML document strictly: each part as the
// rbac.authorization.k8s.io/v1 type its kind names, no unknown field.
func decodeRBAC(t *testing.T, doc string) (roles []rbacv1.Role, croles []rbacv1.ClusterRole, bindings []rbacv1.RoleBinding, cbindings []rbacv1.ClusterRoleBinding) {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(doc))
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("YAML: %v\n%s", err, doc)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var head struct{ APIVersion, Kind string }
		_ = json.Unmarshal(raw, &head)
		if head.APIVersion != "rbac.authorization.k8s.io/v1" {
			t.Fatalf("apiVersion %q", head.APIVersion)
		}
		strict := func(into any) {
			d := json.NewDecoder(bytes.NewReader(raw))
			d.DisallowUnknownFields()
			if err := d.Decode(into); err != nil {
				t.Fatalf("%s: %v\n%s", head.Kind, err, raw)
			}
		}
		switch head.Kind {
		case "Role":
			roles = append(roles, rbacv1.Role{})
			strict(&roles[len(roles)-1])
		case "ClusterRole":
			croles = append(croles, rbacv1.ClusterRole{})
			strict(&croles[len(croles)-1])
		case "RoleBinding":
			bindings = append(bindings, rbacv1.RoleBinding{})
			strict(&bindings[len(bindings)-1])
		case "ClusterRoleBinding":
			cbindings = append(cbindings, rbacv1.ClusterRoleBinding{})
			strict(&cbindings[len(cbindings)-1])
		default:
			t.Fatalf("kind %q", head.Kind)
		}
	}
}

// allows reports whether rules allow verb on group/resource (or the
// non-resource URL path when resource is ""), as RBAC's rule matching does
// (names, "*" and subresources as written).
func allows(rules []rbacv1.PolicyRule, verb, group, resource, path string) bool {
	in := func(list []string, v string) bool { return slices.Contains(list, v) || slices.Contains(list, "*") }
	for _, r := range rules {
		if !in(r.Verbs, verb) {
			continue
		}
		if resource == "" {
			for _, u := range r.NonResourceURLs {
				if u == path || u == "*" || strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimSuffix(u, "*")) {
					return true
				}
			}
			continue
		}
		if in(r.APIGroups, group) && in(r.Resources, resource) {
			return true
		}
	}
	return false
}

// TestRBACYAML checks that a denied storm's YAML decodes strictly as
// rbac.authorization.k8s.io/v1, binds every role to the refused service
// account, covers every refused request (in its namespace's Role, or the
// ClusterRole), grants nothing cluster-wide that was refused in one
// namespace, and cautions against nodes/proxy and cluster-wide secrets.
func TestRBACYAML(t *testing.T) {
	ds, _ := only[*deniedStorm](t, Options{DeniedPerHour: -1, DeniedShare: -1})
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	refused := []struct{ verb, uri, group, resource, ns, path string }{
		{"get", "/api/v1/nodes/n1/proxy/metrics", "", "nodes/proxy", "", ""},
		{"list", "/api/v1/nodes", "", "nodes", "", ""},
		{"list", "/api/v1/secrets", "", "secrets", "", ""},
		{"get", "/api/v1/namespaces/a/configmaps/x", "", "configmaps", "a", ""},
		{"watch", "/apis/apps/v1/namespaces/b/deployments?watch=true", "apps", "deployments", "b", ""},
		{"get", "/metrics", "", "", "", "/metrics"},
	}
	const user = "system:serviceaccount:mon:agent"
	for _, r := range refused {
		ds.Add(newEntry(r.verb, user, r.uri, 403, t0, time.Millisecond, nil))
	}
	res := ds.Result()
	if len(res.Findings) != 1 || res.Findings[0].RBACYAML == "" {
		t.Fatalf("findings %+v", res.Findings)
	}
	doc := res.Findings[0].RBACYAML
	roles, croles, bindings, cbindings := decodeRBAC(t, doc)
	if len(croles) != 1 || len(cbindings) != 1 || len(roles) != 2 || len(bindings) != 2 {
		t.Fatalf("%d ClusterRoles, %d ClusterRoleBindings, %d Roles, %d RoleBindings\n%s", len(croles), len(cbindings), len(roles), len(bindings), doc)
	}
	sa := rbacv1.Subject{Kind: "ServiceAccount", Name: "agent", Namespace: "mon"}
	if s := cbindings[0].Subjects; len(s) != 1 || s[0] != sa || cbindings[0].RoleRef.Name != croles[0].Name || cbindings[0].RoleRef.Kind != "ClusterRole" {
		t.Errorf("cluster binding %+v", cbindings[0])
	}
	roleOf := map[string]rbacv1.Role{}
	for _, r := range roles {
		roleOf[r.Namespace] = r
	}
	for _, b := range bindings {
		if s := b.Subjects; len(s) != 1 || s[0] != sa || b.RoleRef.Kind != "Role" || b.RoleRef.Name != roleOf[b.Namespace].Name {
			t.Errorf("binding %+v", b)
		}
	}
	for _, r := range refused {
		ok := allows(croles[0].Rules, r.verb, r.group, r.resource, r.path)
		if r.ns != "" {
			if ok {
				t.Errorf("%s %s granted cluster-wide", r.verb, r.uri)
			}
			ok = allows(roleOf[r.ns].Rules, r.verb, r.group, r.resource, r.path)
		}
		if !ok {
			t.Errorf("%s %s not covered\n%s", r.verb, r.uri, doc)
		}
	}
	for _, want := range []string{"# caution: nodes/proxy", "nodes/metrics", "# caution: secrets in a ClusterRole"} {
		if !strings.Contains(doc, want) {
			t.Errorf("no %q in\n%s", want, doc)
		}
	}
}

// TestRBACYAMLQuoting checks that a user name from the log cannot break
// the document: it decodes to the same name.
func TestRBACYAMLQuoting(t *testing.T) {
	for _, user := range []string{"alice", "bob: x\n- kind: Group\n  name: system:masters", `"quoted"`, "#not-a-comment"} {
		doc := rbacYAML(user, []RBACRule{{Namespace: "a", APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}})
		_, _, bindings, _ := decodeRBAC(t, doc)
		if len(bindings) != 1 || len(bindings[0].Subjects) != 1 || bindings[0].Subjects[0].Name != user {
			t.Errorf("user %q: bindings %+v\n%s", user, bindings, doc)
		}
	}
}
