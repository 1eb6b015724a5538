package auditlog

import (
	"strings"
	"testing"
)

func TestParseRequestURI(t *testing.T) {
	cases := []struct {
		uri  string
		want Request
	}{
		{"/api/v1/namespaces/ns/pods/p/log?follow=true", Request{Path: "/api/v1/namespaces/ns/pods/p/log", RawQuery: "follow=true", APIVersion: "v1", Resource: "pods", Namespace: "ns", Name: "p", Subresource: "log", SubresourcePath: "log"}},
		{"/api/v1/namespaces/ns", Request{Path: "/api/v1/namespaces/ns", APIVersion: "v1", Resource: "namespaces", Namespace: "ns", Name: "ns"}},
		{"/api/v1/namespaces/ns/finalize", Request{Path: "/api/v1/namespaces/ns/finalize", APIVersion: "v1", Resource: "namespaces", Namespace: "ns", Name: "ns", Subresource: "finalize", SubresourcePath: "finalize"}},
		{"/api/v1/namespaces/ns/status", Request{Path: "/api/v1/namespaces/ns/status", APIVersion: "v1", Resource: "namespaces", Namespace: "ns", Name: "ns", Subresource: "status", SubresourcePath: "status"}},
		{"/api/v1/namespaces", Request{Path: "/api/v1/namespaces", APIVersion: "v1", Resource: "namespaces"}},
		{"/api/v1/namespaces/ns/configmaps", Request{Path: "/api/v1/namespaces/ns/configmaps", APIVersion: "v1", Resource: "configmaps", Namespace: "ns"}},
		{"/api/v1/nodes/n1/proxy/metrics", Request{Path: "/api/v1/nodes/n1/proxy/metrics", APIVersion: "v1", Resource: "nodes", Name: "n1", Subresource: "proxy", SubresourcePath: "proxy/metrics"}},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Request{Path: "/apis/g/v/namespaces/ns/r/n/sub/more", APIGroup: "g", APIVersion: "v", Resource: "r", Namespace: "ns", Name: "n", Subresource: "sub", SubresourcePath: "sub/more"}},
		{"/apis/apps/v1/deployments?limit=500&resourceVersion=0", Request{Path: "/apis/apps/v1/deployments", RawQuery: "limit=500&resourceVersion=0", APIGroup: "apps", APIVersion: "v1", Resource: "deployments"}},
		{"/apis/apps/v1", Request{Path: "/apis/apps/v1", APIGroup: "apps", APIVersion: "v1"}},
		{"/apis/apps", Request{Path: "/apis/apps"}},
		{"/apis", Request{Path: "/apis"}},
		{"/api", Request{Path: "/api"}},
		{"/api/v1/watch/namespaces/ns/pods?watch=true", Request{Path: "/api/v1/watch/namespaces/ns/pods", RawQuery: "watch=true", APIVersion: "v1", Resource: "pods", Namespace: "ns"}},
		{"/healthz", Request{Path: "/healthz"}},
		{"/openapi/v2?timeout=32s", Request{Path: "/openapi/v2", RawQuery: "timeout=32s"}},
		{"", Request{}},
		{"?", Request{}},
		{"api/v1/pods", Request{Path: "api/v1/pods", APIVersion: "v1", Resource: "pods"}},
	}
	for _, c := range cases {
		if got := ParseRequestURI(c.uri); got != c.want {
			t.Errorf("ParseRequestURI(%q)\n got %+v\nwant %+v", c.uri, got, c.want)
		}
	}
}

func TestQueryValue(t *testing.T) {
	r := ParseRequestURI("/api/v1/pods?fieldManager=kube%20ctl&limit=500&a+b=c&empty=&fieldManager=second&x=%zz")
	cases := []struct {
		key, want string
		ok        bool
	}{
		{"fieldManager", "kube ctl", true},
		{"limit", "500", true},
		{"a b", "c", true},
		{"empty", "", true},
		{"x", "%zz", true},
		{"missing", "", false},
	}
	for _, c := range cases {
		if got, ok := r.QueryValue(c.key); got != c.want || ok != c.ok {
			t.Errorf("QueryValue(%q) = %q, %v; want %q, %v", c.key, got, ok, c.want, c.ok)
		}
	}
	if n := testing.AllocsPerRun(100, func() { r.QueryValue("limit") }); n != 0 {
		t.Errorf("QueryValue of a plain value allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { ParseRequestURI("/api/v1/namespaces/ns/pods/p/log?follow=true") }); n != 0 {
		t.Errorf("ParseRequestURI allocates %v times", n)
	}
}

func FuzzParseRequestURI(f *testing.F) {
	for _, s := range []string{"/api/v1/namespaces/ns/pods/p/log?follow=true", "/apis/g/v/namespaces/ns/r/n/sub/more", "/healthz", "/api/v1/watch/nodes", "//api//v1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		r := ParseRequestURI(uri)
		// Every part is a piece of the URI, the path a prefix of it.
		if !strings.HasPrefix(uri, r.Path) {
			t.Fatalf("path %q is not a prefix of %q", r.Path, uri)
		}
		for _, part := range []string{r.RawQuery, r.APIGroup, r.APIVersion, r.Resource, r.Namespace, r.Name, r.Subresource, r.SubresourcePath} {
			if !strings.Contains(uri, part) {
				t.Fatalf("%q is not in %q", part, uri)
			}
		}
		if r.Subresource != "" && !strings.HasPrefix(r.SubresourcePath, r.Subresource) {
			t.Fatalf("subresource %q, path %q", r.Subresource, r.SubresourcePath)
		}
		if r.Name != "" && r.Resource == "" {
			t.Fatalf("a name without a resource in %q: %+v", uri, r)
		}
		r.QueryValue("fieldManager")
		if want := parseRequestURIReference(uri); r != want {
			t.Fatalf("ParseRequestURI(%q) = %+v, the plain parse %+v", uri, r, want)
		}
	})
}

// requestURIs are URIs of every shape ParseRequestURI tells apart.
var requestURIs = []string{
	"/api/v1/namespaces/openshift-monitoring/configmaps/serving-certs-ca-bundle?resourceVersion=0&timeout=32s",
	"/apis/apps/v1/namespaces/openshift-ingress/deployments/router-default/status",
	"/api/v1/watch/namespaces/kube-system/pods?allowWatchBookmarks=true&resourceVersion=123",
	"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/ip-10-0-142-86.ec2.internal?timeout=10s",
	"/api/v1/nodes/ip-10-0-142-86.ec2.internal/proxy/metrics",
	"/api/v1/namespaces/ns1/finalize",
	"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
	"/healthz", "/openapi/v2", "/apis", "/api/v1", "//api//v1",
}

// TestParseRequestURIShapes checks every shape against the plain parse
// (strings.Cut at every slash) that ParseRequestURI is a faster form of.
func TestParseRequestURIShapes(t *testing.T) {
	for _, uri := range requestURIs {
		if got, want := ParseRequestURI(uri), parseRequestURIReference(uri); got != want {
			t.Errorf("ParseRequestURI(%q) = %+v, want %+v", uri, got, want)
		}
	}
}

// BenchmarkParseRequestURI compares ParseRequestURI with the plain parse.
func BenchmarkParseRequestURI(b *testing.B) {
	for _, c := range []struct {
		name  string
		parse func(string) Request
	}{{"plain", parseRequestURIReference}, {"fast", ParseRequestURI}} {
		b.Run(c.name, func(b *testing.B) {
			var sink int
			for i := 0; b.Loop(); i++ {
				sink += len(c.parse(requestURIs[i%len(requestURIs)]).Name)
			}
			_ = sink
		})
	}
}

// parseRequestURIReference is ParseRequestURI as first written, cutting
// at every slash with strings.Cut: the definition the fast parse is
// tested against.
func parseRequestURIReference(uri string) Request {
	var r Request
	r.Path, r.RawQuery, _ = strings.Cut(uri, "?")
	p := strings.TrimPrefix(r.Path, "/")
	var head string
	head, p, _ = strings.Cut(p, "/")
	switch head {
	case "api":
		r.APIVersion, p, _ = strings.Cut(p, "/")
	case "apis":
		r.APIGroup, p, _ = strings.Cut(p, "/")
		r.APIVersion, p, _ = strings.Cut(p, "/")
		if r.APIVersion == "" {
			r.APIGroup = ""
			return r
		}
	default:
		return r
	}
	if r.APIVersion == "" {
		return r
	}
	if seg, rest, _ := strings.Cut(p, "/"); seg == "watch" {
		p = rest
	}
	if seg, rest, _ := strings.Cut(p, "/"); seg == "namespaces" && rest != "" {
		ns, after, _ := strings.Cut(rest, "/")
		next, _, _ := strings.Cut(after, "/")
		if after == "" || next == "status" || next == "finalize" {
			// The namespace object itself, or one of its subresources.
			r.Namespace = ns
			setObjectReference(&r, p)
			return r
		}
		r.Namespace = ns
		p = after
	}
	setObjectReference(&r, p)
	return r
}
func setObjectReference(r *Request, p string) {
	var rest string
	r.Resource, rest, _ = strings.Cut(p, "/")
	if r.Resource == "" {
		return // an empty segment (//): no resource to speak of
	}
	r.Name, rest, _ = strings.Cut(rest, "/")
	r.SubresourcePath = strings.TrimSuffix(rest, "/")
	r.Subresource, _, _ = strings.Cut(rest, "/")
}
