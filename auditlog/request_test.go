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
	})
}
