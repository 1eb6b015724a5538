package filter

import (
	"fmt"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// benchEntries is a mix of lab-like requests: node proxy GETs, configmap and
// pod reads, SARs and tokenreviews, list/watch, health checks.
func benchEntries() []*auditlog.Entry {
	uris := []struct {
		verb, uri string
	}{
		{"get", "/api/v1/nodes/cluster-app-38.dmz/proxy/metrics"},
		{"get", "/api/v1/namespaces/openshift-console-user-settings/configmaps/user-settings-ec294610"},
		{"create", "/apis/authorization.k8s.io/v1/subjectaccessreviews"},
		{"create", "/apis/authentication.k8s.io/v1/tokenreviews"},
		{"get", "/apis/authorization.k8s.io/v1/subjectaccessreviews"},
		{"list", "/api/v1/namespaces/openshift-monitoring/pods?labelSelector=app%3Dprometheus&limit=500"},
		{"watch", "/apis/apps/v1/namespaces/openshift-etcd/deployments?allowWatchBookmarks=true&resourceVersion=123&watch=true"},
		{"get", "/healthz"},
		{"update", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager"},
		{"get", "/apis/config.openshift.io/v1/clusterversions/version"},
		{"patch", "/api/v1/namespaces/openshift-ingress/pods/router-default-5b8/status?fieldManager=kubelet"},
		{"get", "/api/v1/namespaces/default"},
	}
	var out []*auditlog.Entry
	for i := 0; i < 256; i++ {
		u := uris[i%len(uris)]
		out = append(out, ev(u.uri, verb(u.verb), func(e *auditv1.Event) {
			e.User.Username = fmt.Sprintf("system:serviceaccount:ns%d:sa", i%7)
		}))
	}
	return out
}

func labFilter(b *testing.B) Filter {
	f, err := Flags{
		Verbs:     []string{"get"},
		Resources: []string{"*.*", "-subjectaccessreviews.*", "-tokenreviews.*"},
	}.Build()
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkFilter measures the lab's typical filter
// (--verb=get --resource=*.* --resource=-subjectaccessreviews.*
// --resource=-tokenreviews.*) per event. "cold" resets each entry first, so
// the requestURI is parsed in every call, as it is for each new event of a
// scan; "parsed" reuses the parse, as when an aggregator has already parsed it.
func BenchmarkFilter(b *testing.B) {
	f := labFilter(b)
	entries := benchEntries()
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		kept := 0
		for i := 0; b.Loop(); i++ {
			e := entries[i%len(entries)]
			e.Reset(e.Event, e.Source, e.Line, e.Node)
			if f.Match(e) {
				kept++
			}
		}
		_ = kept
	})
	b.Run("parsed", func(b *testing.B) {
		b.ReportAllocs()
		kept := 0
		for i := 0; b.Loop(); i++ {
			if f.Match(entries[i%len(entries)]) {
				kept++
			}
		}
		_ = kept
	})
}

// BenchmarkPredicates measures single predicates on parsed entries.
func BenchmarkPredicates(b *testing.B) {
	entries := benchEntries()
	for _, f := range []Filter{
		Verbs("get"),
		Users("system:serviceaccount:ns1:*", "-system:serviceaccount:ns2:sa"),
		must(Resources("*.*", "-subjectaccessreviews.*", "-tokenreviews.*")),
		Namespaces("openshift-*"),
		Subresources("-*"),
		FieldManagers("kubelet"),
		LongRunning(),
		must(SourceIPs("10.0.0.0/8")),
		must(UserAgentRegexps(`^kubectl/v1\.29`)),
	} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				f.Match(entries[i%len(entries)])
			}
		})
	}
}
