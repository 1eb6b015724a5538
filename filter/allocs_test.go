package filter

import (
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func ips(ip ...string) func(*auditv1.Event) {
	return func(e *auditv1.Event) { e.SourceIPs = ip }
}

// TestZeroAllocs checks that no predicate allocates per call, on entries
// that match and entries that do not.
func TestZeroAllocs(t *testing.T) {
	filters := []Filter{
		Verbs("get", "-list"), Users("system:*"), UIDs("0000-1111"), Namespaces("ns", "-kube-*"),
		Names("p*"), Subresources("-*"), Subresources("proxy", "-log"), FieldManagers("kubectl*"),
		must(Resources("*.*", "-subjectaccessreviews.*", "-tokenreviews.*")),
		must(Stages("ResponseComplete")), must(HTTPStatusCodes(200, 403)), FailedOnly(),
		Before(t0), After(t0), MaxLatency(time.Second), MinLatency(time.Second),
		must(PodSecurityViolations("pod")), must(PodSecurityViolations("all")),
		ImpersonatedUsers("bob"), Groups("system:serviceaccounts:openshift-*", "-system:masters"),
		UserAgents("kubectl", "-oc"), must(UserAgentRegexps(`linux/amd64`)),
		must(SourceIPs("10.0.0.0/8", "fd00::1")), must(Annotations("a", "b=1", "c~^x")),
		must(Decision("forbid")), must(Servers("kube-apiserver")), Nodes("master-*"),
		must(Levels("Metadata")), ReadOnly(), WriteOnly(), LongRunning(),
		Window(t0, t0.Add(time.Hour)),
		Verbs("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "get"),
		And(Verbs("get"), Not(Or(FailedOnly(), Nodes("x")))),
	}
	entries := []*auditlog.Entry{
		ev("/api/v1/namespaces/ns/pods/p?fieldManager=kubectl-edit", annot("a", "1", "c", "xy", DecisionAnnotation, "forbid")),
		ev("/api/v1/nodes/n/proxy/metrics", verb("list"), code(403), ips("::ffff:10.1.2.3", "fd00::1")),
		ev("/apis/apps/v1/watch/namespaces/ns/deployments?watch=true", verb("watch"), noStatus),
		ev("/healthz"),
	}
	for _, f := range filters {
		for _, e := range entries {
			if n := testing.AllocsPerRun(100, func() { f.Match(e) }); n != 0 {
				t.Errorf("%s on %s: %v allocations per call", f, e.Event.RequestURI, n)
			}
		}
	}
}
