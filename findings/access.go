package findings

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// access finds risky access that was allowed (served requests only), each
// a finding from Options.SecurityRequests:
//
//   - anonymous-access: requests by system:anonymous served on anything
//     but health, version and discovery paths (anonymousAllowed); health
//     probes by system:anonymous are never a finding;
//   - secrets-wide: secrets read, listed or watched across namespaces by
//     people (user names not starting with "system:"), or read or listed
//     by service accounts in a namespace not their own (an operator's
//     informer on every namespace is not a finding);
//   - privileged-bindings: role bindings created or changed to grant
//     cluster-admin or the group system:masters (read from the request
//     body: only logs at level Request or RequestResponse show it);
//   - privileged-impersonation: requests made as a privileged user or
//     group through impersonation (privilegedUsers, privilegedGroups).
//
// Known exceptions (knownExceptions) are never findings.
type access struct {
	*base
	anonymous, secrets, bindings, impersonation table[securityKey, *securityKey]
	buf                                         []byte
}

func init() { register(newAccess) }

// newAccess returns an empty access detector sharing b.
func newAccess(b *base) detector {
	d := &access{base: b}
	for _, t := range d.tables() {
		*t = newTable[securityKey](d.opts.MaxKeys)
	}
	return d
}

func (d *access) tables() []*table[securityKey, *securityKey] {
	return []*table[securityKey, *securityKey]{&d.anonymous, &d.secrets, &d.bindings, &d.impersonation}
}

func (d *access) name() string { return "access" }

func (d *access) fields() auditlog.Fields {
	return factFields | auditlog.FieldImpersonatedUser | auditlog.FieldRequestObject
}

// The privileged users and groups of privileged-impersonation and
// privileged-bindings: Kubernetes' superuser group and OpenShift's
// administrators.
var (
	privilegedUsers  = []string{"system:admin", "kube:admin"}
	privilegedGroups = []string{"system:masters", "system:cluster-admins"}
)

func (d *access) note(t *table[securityKey, *securityKey], f *facts, parts ...string) {
	d.buf = appendKey(d.buf[:0], parts...)
	if s := t.get(d.buf); s != nil {
		s.tally.add(f, allSamples)
		s.at.add(f.recv)
	}
}

func (d *access) count(f *facts) {
	if !f.served() || f.code == -1 {
		return
	}
	if iu := f.e.Event.ImpersonatedUser; iu != nil {
		as := ""
		if slices.Contains(privilegedUsers, iu.Username) {
			as = iu.Username
		}
		for _, g := range iu.Groups {
			if as == "" && slices.Contains(privilegedGroups, g) {
				as = "group " + g
			}
		}
		if as != "" {
			d.note(&d.impersonation, f, f.user, as)
		}
	}
	if f.user == "system:anonymous" {
		r := f.req()
		if !anonymousAllowed(r) {
			what := r.Path
			if r.Resource != "" {
				what = strings.ToUpper(f.verb) + " " + string(appendResource(nil, r))
			}
			d.note(&d.anonymous, f, f.user, what)
		}
		return
	}
	switch f.verb {
	case "get", "list", "watch":
		r := f.req()
		if r.Resource != "secrets" || r.APIGroup != "" || r.Subresource != "" {
			return
		}
		ns, isSA := serviceAccountNamespace(f.user)
		switch {
		case isSA && (ns == r.Namespace || r.Namespace == ""):
			// Its own, or across namespaces: an operator's informer,
			// which its ClusterRole allows by design.
			return
		case !isSA && (strings.HasPrefix(f.user, "system:") || r.Namespace != ""):
			return // a component, or a person in one namespace
		case isExceptedSecretsReader(f.user):
			return
		}
		where := "in namespace " + r.Namespace
		if r.Namespace == "" {
			where = "across namespaces"
		}
		d.note(&d.secrets, f, f.user, strings.ToUpper(f.verb)+" secrets "+where)
	case "create", "update", "patch":
		r := f.req()
		if r.APIGroup != "rbac.authorization.k8s.io" || r.Resource != "clusterrolebindings" && r.Resource != "rolebindings" {
			return
		}
		obj := f.e.Event.RequestObject
		if obj == nil || len(obj.Raw) == 0 {
			return
		}
		if grant := privilegedGrant(obj.Raw); grant != "" {
			name := r.Name
			if name == "" {
				name = "(new)"
			}
			d.note(&d.bindings, f, f.user, strings.ToUpper(f.verb)+" "+r.Resource+" "+name+" granting "+grant)
		}
	}
}

// serviceAccountNamespace returns the namespace of a service account's
// user name (system:serviceaccount:NAMESPACE:NAME).
func serviceAccountNamespace(user string) (string, bool) {
	rest, ok := strings.CutPrefix(user, "system:serviceaccount:")
	if !ok {
		return "", false
	}
	ns, _, ok := strings.Cut(rest, ":")
	return ns, ok
}

// anonymousAllowed reports whether a request by system:anonymous is one
// every cluster serves to anyone: health and version checks, API
// discovery, the service-account issuer's discovery documents.
func anonymousAllowed(r *auditlog.Request) bool {
	if r.Resource != "" {
		return false
	}
	p := strings.TrimSuffix(r.Path, "/")
	switch p {
	case "", "/healthz", "/livez", "/readyz", "/version", "/api", "/apis",
		"/.well-known/openid-configuration", "/openid/v1/jwks":
		return true
	}
	for _, prefix := range []string{"/healthz/", "/livez/", "/readyz/", "/openapi/", "/api/", "/apis/"} {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		switch prefix {
		case "/api/":
			return !strings.Contains(rest, "/") // /api/v1: discovery
		case "/apis/":
			return strings.Count(rest, "/") <= 1 // /apis/GROUP, /apis/GROUP/VERSION
		}
		return true
	}
	return false
}

// privilegedGrant returns what a role binding in a request body grants
// that is privileged: "cluster-admin", "group system:masters"; "" when
// nothing is, or the body is not a binding.
func privilegedGrant(raw []byte) string {
	var b struct {
		RoleRef struct {
			Kind, Name string
		} `json:"roleRef"`
		Subjects []struct {
			Kind, Name string
		} `json:"subjects"`
	}
	if json.Unmarshal(raw, &b) != nil {
		return ""
	}
	var grants []string
	if b.RoleRef.Kind == "ClusterRole" && b.RoleRef.Name == "cluster-admin" {
		grants = append(grants, "cluster-admin")
	}
	for _, s := range b.Subjects {
		if s.Kind == "Group" && slices.Contains(privilegedGroups, s.Name) {
			grants = append(grants, "group "+s.Name)
		}
	}
	return strings.Join(grants, ", ")
}

func (d *access) merge(od detector) { mergeTables(d.tables(), od.(*access).tables()) }

func (d *access) dropped() int64 { return droppedIn(d.tables()) }

// accessKinds describe access's findings, in the order of its tables.
var accessKinds = [...]struct {
	id, title string
	severity  Severity
	summary   string // with the total, the first row's count, offender and what
}{
	{"anonymous-access", "Anonymous requests served", High,
		"%d requests by system:anonymous were served beyond health, version and discovery, %d of them by %s (%s): anyone who reaches the API server can do the same; check the RBAC bindings of system:anonymous and system:unauthenticated."},
	{"secrets-wide", "Secrets read across namespaces", Medium,
		"%d requests read secrets outside the requester's own namespace, %d of them by %s (%s): whoever holds these credentials can read every token and key in those namespaces."},
	{"privileged-bindings", "Bindings that grant cluster-admin", High,
		"%d requests created or changed role bindings that grant full control of the cluster, %d of them by %s (%s)."},
	{"privileged-impersonation", "Privileged users impersonated", High,
		"%d requests were made by impersonating a privileged user or group, %d of them by %s (as %s): impersonation bypasses the usual review of who holds these rights."},
}

// result returns the access findings that qualify.
func (d *access) result() []Finding {
	var out []Finding
	for i, t := range d.tables() {
		kind := &accessKinds[i]
		row := func(parts []string, v *securityKey) Evidence {
			ev := v.evidence(parts[0], parts[1])
			ev.Command = d.cmds.user(parts[0])
			return ev
		}
		summary := func(total int64, first Evidence) string {
			return fmt.Sprintf(kind.summary, total, first.Count, first.Offender, first.What)
		}
		if f, ok := d.tableFinding(t, kind.id, kind.title, kind.severity, row, summary); ok {
			out = append(out, f)
		}
	}
	return finish(out)
}
