package filter

import (
	"errors"
	"testing"
)

func TestResources(t *testing.T) {
	const (
		pods      = "/api/v1/namespaces/ns/pods/p"
		nodes     = "/api/v1/nodes/n/proxy/metrics"
		deploy    = "/apis/apps/v1/namespaces/ns/deployments/d"
		extDeploy = "/apis/extensions/v1beta1/namespaces/ns/deployments"
		sar       = "/apis/authorization.k8s.io/v1/subjectaccessreviews"
		tokens    = "/apis/authentication.k8s.io/v1/tokenreviews"
		cv        = "/apis/config.openshift.io/v1/clusterversions/version"
		routes    = "/apis/route.openshift.io/v1/namespaces/ns/routes"
		healthz   = "/healthz"
		discovery = "/apis/apps/v1"
		nsObj     = "/api/v1/namespaces/ns"
	)
	lab := []string{"*.*", "-subjectaccessreviews.*", "-tokenreviews.*"}
	labMangled := []string{".", "-subjectaccessreviews.", "-tokenreviews."}
	tests := []struct {
		name     string
		patterns []string
		uri      string
		want     bool
	}{
		{"core resource", []string{"pods"}, pods, true},
		{"core resource, other resource", []string{"pods"}, nodes, false},
		{"core pattern never matches a named group", []string{"deployments"}, deploy, false},
		{"named group", []string{"deployments.apps"}, deploy, true},
		{"named group, other group", []string{"deployments.apps"}, extDeploy, false},
		{"group with dots", []string{"clusterversions.config.openshift.io"}, cv, true},
		{"resource in any group", []string{"deployments.*"}, extDeploy, true},
		{"resource in any group, core too", []string{"pods.*"}, pods, true},
		{"every resource of a group", []string{"*.config.openshift.io"}, cv, true},
		{"every resource of a group, other group", []string{"*.config.openshift.io"}, routes, false},
		{"everything", []string{"*.*"}, routes, true},
		{"everything includes non-resource", []string{"*.*"}, healthz, true},
		{"star alone is the core group", []string{"*"}, pods, true},
		{"star alone is not a named group", []string{"*"}, deploy, false},
		{"star alone keeps non-resource", []string{"*"}, healthz, true},
		{"named pattern drops non-resource", []string{"pods"}, healthz, false},
		{"group wildcard keeps discovery", []string{"*.apps"}, discovery, true},
		{"namespace object", []string{"namespaces"}, nsObj, true},
		{"cluster-scoped with subresource", []string{"nodes"}, nodes, true},
		{"lab: get kept", lab, pods, true},
		{"lab: SAR dropped", lab, sar, false},
		{"lab: tokenreviews dropped", lab, tokens, false},
		{"lab: named group kept", lab, cv, true},
		{"lab mangled: kept", labMangled, cv, true},
		{"lab mangled: SAR dropped", labMangled, sar, false},
		{"lab mangled: tokenreviews dropped", labMangled, tokens, false},
		{"exclusion alone keeps the rest", []string{"-tokenreviews.*"}, pods, true},
		{"exclusion alone drops it", []string{"-tokenreviews.*"}, tokens, false},
		{"exclude a group", []string{"*.*", "-*.apps"}, deploy, false},
		{"exclude a group keeps others", []string{"*.*", "-*.apps"}, extDeploy, true},
		{"exclusion wins over exact inclusion", []string{"deployments.apps", "-*.apps"}, deploy, false},
		{"exclusion wins over resource wildcard", []string{"deployments.*", "-deployments.apps"}, deploy, false},
		{"exclusion of one group keeps another", []string{"deployments.*", "-deployments.apps"}, extDeploy, true},
		{"exclude everything", []string{"-*.*"}, pods, false},
		{"exclude core resource only", []string{"-pods"}, pods, false},
		{"exclude core resource keeps named", []string{"-pods"}, routes, true},
		{"empty resource part", []string{".apps"}, deploy, true},
		{"empty group part", []string{"deployments."}, extDeploy, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Resources(tt.patterns...)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(ev(tt.uri)); got != tt.want {
				t.Errorf("%s on %s = %v, want %v", f, tt.uri, got, tt.want)
			}
		})
	}
}

func TestResourcesString(t *testing.T) {
	tests := []struct {
		patterns []string
		want     string
	}{
		{[]string{".", "-subjectaccessreviews.", "-tokenreviews."}, "--resource=*.*,-subjectaccessreviews.*,-tokenreviews.*"},
		{[]string{"pods", "*", "deployments.apps", "*.*", "*.*"}, "--resource=pods,*,deployments.apps,*.*"},
		{[]string{"-*.config.openshift.io", ".apps"}, "--resource=-*.config.openshift.io,*.apps"},
	}
	for _, tt := range tests {
		f, err := Resources(tt.patterns...)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.String(); got != tt.want {
			t.Errorf("Resources(%q).String() = %q, want %q", tt.patterns, got, tt.want)
		}
	}
}

func TestResourcesErrors(t *testing.T) {
	for _, p := range []string{"", "-", "pod*", "*s.apps", "pods.app*", "-deploy*.*"} {
		_, err := Resources(p)
		var fe *FlagError
		if !errors.As(err, &fe) || fe.Flag != "resource" || fe.Value != p {
			t.Errorf("Resources(%q): error %v, want a *FlagError for --resource naming the value", p, err)
		}
	}
}
