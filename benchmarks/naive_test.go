package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// TestNaiveParseURI checks the naive baseline's URI parsing against the
// library's on the shapes of URI the generator and the lab use.
func TestNaiveParseURI(t *testing.T) {
	uris := []string{
		"/api/v1/nodes/cluster-app-38.dmz/proxy/metrics",
		"/api/v1/namespaces/openshift-console/configmaps/user-settings?resourceVersion=1",
		"/api/v1/namespaces/shop-prod",
		"/api/v1/namespaces/shop-prod/status",
		"/api/v1/namespaces/shop-prod/finalize",
		"/api/v1/namespaces",
		"/api/v1/watch/namespaces/ns/pods?watch=true",
		"/apis/apps/v1/namespaces/ns/deployments/web/scale",
		"/apis/authorization.k8s.io/v1/subjectaccessreviews",
		"/apis/apps/v1",
		"/apis/apps",
		"/api/v1",
		"/api",
		"/healthz",
		"/openapi/v2?timeout=32s",
		"/",
		"",
	}
	for _, uri := range uris {
		want := auditlog.ParseRequestURI(uri)
		got := naiveParseURI(uri)
		if got.group != want.APIGroup || got.version != want.APIVersion || got.resource != want.Resource ||
			got.namespace != want.Namespace || got.name != want.Name {
			t.Errorf("%q: naive %+v, library %+v", uri, got, want)
		}
	}
}

func TestNaiveResourceMatch(t *testing.T) {
	lab := []string{"*.*", "-subjectaccessreviews.*", "-tokenreviews.*"}
	tests := []struct {
		patterns        []string
		group, resource string
		want            bool
	}{
		{[]string{"nodes"}, "", "nodes", true},
		{[]string{"nodes"}, "", "pods", false},
		{[]string{"nodes"}, "", "", false},
		{[]string{"nodes"}, "metrics.k8s.io", "nodes", false},
		{lab, "", "pods", true},
		{lab, "", "", true},
		{lab, "authorization.k8s.io", "subjectaccessreviews", false},
		{lab, "authentication.k8s.io", "tokenreviews", false},
		{[]string{"-pods"}, "", "nodes", true},
		{[]string{"-pods"}, "", "pods", false},
		{[]string{"deployments.*"}, "apps", "deployments", true},
		{[]string{"*.apps"}, "", "pods", false},
	}
	for _, tt := range tests {
		if got := naiveResourceMatch(tt.patterns, tt.group, tt.resource); got != tt.want {
			t.Errorf("%v on %s.%s: %v, want %v", tt.patterns, tt.resource, tt.group, got, tt.want)
		}
	}
}

// TestNaiveAnswer checks the naive answers on a handful of events.
func TestNaiveAnswer(t *testing.T) {
	lines := []string{
		`{"auditID":"1","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics","user":{"username":"bot"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:15:16.002000Z"}`,
		`{"auditID":"2","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics?timeout=5s","user":{"username":"bot"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:17.000000Z","stageTimestamp":"2022-02-07T22:15:17.004000Z"}`,
		`{"auditID":"3","stage":"ResponseComplete","verb":"patch","requestURI":"/api/v1/namespaces/a/pods/p?fieldManager=kubectl","user":{"username":"alice"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:18.000000Z","stageTimestamp":"2022-02-07T22:15:18.001000Z"}`,
		`{"auditID":"3","stage":"RequestReceived","verb":"patch","requestURI":"/api/v1/namespaces/a/pods/p","user":{"username":"alice"},"requestReceivedTimestamp":"2022-02-07T22:15:18.000000Z","stageTimestamp":"2022-02-07T22:15:18.000000Z"}`,
	}
	var events []*auditv1.Event
	for _, l := range lines {
		ev := new(auditv1.Event)
		if err := json.Unmarshal([]byte(l), ev); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	summary := "count: 3, first: 2022-02-07T22:15:16Z, last: 2022-02-07T22:15:18Z, duration: 2s"
	tests := []struct {
		q    question
		want []string
	}{
		{question{kind: kindTop, by: "user"}, []string{summary, "2x bot", "1x alice[kubectl]"}},
		{question{kind: kindTop, by: "resource"}, []string{summary, "2x v1/nodes", "1x v1/pods"}},
		{question{kind: kindGrouped, by: "verb", users: []string{"bot"}}, []string{
			"count: 2, first: 2022-02-07T22:15:16Z, last: 2022-02-07T22:15:17Z, duration: 1s",
			`Top 10 "GET" (of 2 total hits):`, "2x [ 3ms] [200-1,403-1] /api/v1/nodes/n1/proxy/metrics [bot]"}},
		{question{kind: kindListing, verbs: []string{"patch"}}, []string{
			"count: 1, first: 2022-02-07T22:15:18Z, last: 2022-02-07T22:15:18Z, duration: 0s",
			"22:15:18 [ PATCH][ 1ms] [200] /api/v1/namespaces/a/pods/p?fieldManager=kubectl [alice]"}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := naiveAnswer(&b, tt.q, events); err != nil {
			t.Fatal(err)
		}
		var got []string
		for l := range strings.Lines(b.String()) {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				got = append(got, l)
			}
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tt.q, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}
