package findings

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// rbacYAML writes rules, derived from user's 403s, as apply-ready
// rbac.authorization.k8s.io/v1 objects: a ClusterRole and its
// ClusterRoleBinding for the cluster-wide rules, a Role and its
// RoleBinding for each namespace, bound to the user (a ServiceAccount for
// system:serviceaccount:NS:NAME, else a User). It opens with a comment
// line for each dangerous grant (rbacCautions). Every value from the log
// is a double-quoted scalar (JSON quoting, which YAML reads), so no user
// name can break the document. "" when there is no rule.
func rbacYAML(user string, rules []RBACRule) string {
	if len(rules) == 0 || user == "" {
		return ""
	}
	var b strings.Builder
	for _, c := range rbacCautions(rules) {
		b.WriteString("# caution: " + c + "\n")
	}
	name := rbacName(user)
	subject := rbacSubject(user)
	var namespaces []string
	for _, r := range rules {
		if !slices.Contains(namespaces, r.Namespace) {
			namespaces = append(namespaces, r.Namespace)
		}
	}
	slices.Sort(namespaces) // "" (the cluster) first
	for i, ns := range namespaces {
		if i > 0 {
			b.WriteString("---\n")
		}
		kind, meta := "ClusterRole", "metadata:\n  name: "+q(name)+"\n"
		if ns != "" {
			kind, meta = "Role", "metadata:\n  name: "+q(name)+"\n  namespace: "+q(ns)+"\n"
		}
		b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\n" + meta + "rules:\n")
		for _, r := range rules {
			if r.Namespace != ns {
				continue
			}
			lead := "- "
			for _, f := range []struct {
				key    string
				values []string
			}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"nonResourceURLs", r.NonResourceURLs}, {"verbs", r.Verbs}} {
				if len(f.values) == 0 {
					continue
				}
				b.WriteString(lead + f.key + ": " + flowList(f.values) + "\n")
				lead = "  "
			}
		}
		b.WriteString("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "Binding\n" + meta)
		b.WriteString("roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: " + kind + "\n  name: " + q(name) + "\n")
		b.WriteString("subjects:\n" + subject)
	}
	return b.String()
}

// flowList writes values as a YAML flow sequence of quoted strings.
func flowList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = q(v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// q quotes s as a YAML double-quoted scalar.
func q(s string) string {
	out, _ := json.Marshal(s) // a string always marshals
	return string(out)
}

// rbacSubject is the subjects list item that names user.
func rbacSubject(user string) string {
	if rest, ok := strings.CutPrefix(user, "system:serviceaccount:"); ok {
		if ns, name, ok := strings.Cut(rest, ":"); ok {
			return "- kind: ServiceAccount\n  name: " + q(name) + "\n  namespace: " + q(ns) + "\n"
		}
	}
	return "- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: " + q(user) + "\n"
}

// rbacName is the name of the roles and bindings for user: "auditlens-"
// and the last part of the user name, as a DNS label.
func rbacName(user string) string {
	last := user[strings.LastIndexByte(user, ':')+1:]
	var b strings.Builder
	for _, c := range strings.ToLower(last) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-.")
	if name == "" {
		name = "user"
	}
	return "auditlens-" + name[:min(len(name), 50)]
}

// rbacCautions says what in rules grants more than it seems, and the
// safer grant when there is one.
func rbacCautions(rules []RBACRule) []string {
	var out []string
	note := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, r := range rules {
		for _, res := range r.Resources {
			switch {
			case res == "nodes/proxy":
				note("nodes/proxy opens the whole kubelet API, exec into every pod of the node included (CIS Kubernetes Benchmark 5.1); a metrics agent needs only nodes/metrics (and nodes/stats): grant those instead")
			case res == "secrets" && r.Namespace == "":
				note("secrets in a ClusterRole reads every secret of every namespace: prefer a Role in the namespaces that hold the secrets needed")
			case res == "*" || strings.HasSuffix(res, "/*"):
				note(fmt.Sprintf("resources %q grants every resource of the group, those added later too: name the resources", res))
			}
		}
		for _, v := range r.Verbs {
			switch v {
			case "*":
				note("verbs \"*\" grants every verb, escalate, bind and impersonate included: name the verbs")
			case "escalate", "bind":
				note(fmt.Sprintf("%s lets the subject grant itself or others rights it does not hold", v))
			case "impersonate":
				note("impersonate lets the subject act as any user, group or service account it names")
			}
		}
	}
	return out
}
