package query

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/filter"
)

// TestEmptyAnswerHints: when the filters keep nothing, the report says
// which flag kept nothing alone and the values seen nearest to its, with
// their counts, for an aggregate view and a listing alike; when each flag
// keeps events alone, it says how many.
func TestEmptyAnswerHints(t *testing.T) {
	for _, tc := range []struct {
		name   string
		output string
		flags  filter.Flags
		want   string
	}{
		{"case", "stats", filter.Flags{Verbs: []string{"GET"}}, "--verb=GET matches no event: did you mean --verb=get (12415 events)?\n"},
		{"typo", "top", filter.Flags{Verbs: []string{"gett"}}, "--verb=gett matches no event: did you mean --verb=get (12415 events)?\n"},
		{"singular", "", filter.Flags{Resources: []string{"node"}}, "--resource=node matches no event: did you mean --resource=nodes (8106 events)?\n"},
		{"plural and group", "stats", filter.Flags{Resources: []string{"Pod.apps"}}, "--resource=Pod.apps matches no event: did you mean --resource=pods ("},
		{"nothing near", "stats", filter.Flags{Verbs: []string{"get"}, Users: []string{"nobody-at-all"}}, "--user=nobody-at-all alone matches no event\n"},
		{"together", "stats", filter.Flags{Verbs: []string{"create"}, Resources: []string{"nodes"}, Namespaces: []string{"openshift-etcd"}},
			"Each filter matches events alone, but not together: --verb=create 1363 events, --resource=nodes 8106 events, --namespace=openshift-etcd 94 events.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := New(kubeAPIServer)
			q.Output, q.By = tc.output, ""
			if tc.output == "top" {
				q.By = "user"
			}
			q.Filters = tc.flags
			q.Filters.Stages = []string{DefaultStage}
			res, err := q.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Write(io.Discard); err != nil {
				t.Fatal(err)
			}
			var report bytes.Buffer
			if err := res.WriteReport(&report, false); err != nil {
				t.Fatal(err)
			}
			_, after, ok := strings.Cut(report.String(), "No events matched the filters (22250 events read).\n")
			if !ok || !strings.HasPrefix(after, tc.want) {
				t.Errorf("the report says:\n%s\nwant after its no-match line:\n%s", report.String(), tc.want)
			}
		})
	}
}

// TestNoHintsWhenMatched: an answer with events says nothing of filters.
func TestNoHintsWhenMatched(t *testing.T) {
	q := New(kubeAPIServer)
	q.Output = "stats"
	q.Filters.Verbs = []string{"get"}
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.emptyHints != nil || res.Summary.Count == 0 {
		t.Errorf("%d events kept, hints %q", res.Summary.Count, res.emptyHints)
	}
}

// TestNearest: the values suggested for a value that matched nothing.
func TestNearest(t *testing.T) {
	seen := map[string]int{"get": 50, "list": 40, "watch": 30, "patch": 5, "pods": 9, "policies": 3, "ingresses": 2, "nodes": 7, "": 99}
	for _, tc := range []struct {
		flag, value string
		want        []string
	}{
		{"verb", "GET", []string{"get"}},
		{"verb", "gett", []string{"get"}},
		{"verb", "lst", []string{"list"}},
		{"verb", "wacth", nil}, // two edits in five letters: too far
		{"verb", "watc", []string{"watch"}},
		{"resource", "node", []string{"nodes"}},
		{"resource", "policy", []string{"policies"}},
		{"resource", "ingress.networking.k8s.io", []string{"ingresses"}},
		{"resource", "Pods.apps", []string{"pods"}},
		{"resource", "-node", nil},
		{"resource", "node*", nil},
		{"verb", "delete", nil},
	} {
		if got := nearest(tc.flag, tc.value, seen); !slices.Equal(got, tc.want) {
			t.Errorf("nearest(%s, %q) = %q, want %q", tc.flag, tc.value, got, tc.want)
		}
	}
}

// TestEditDistance: Levenshtein distances, and the early stop.
func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"get", "get", 1, 0}, {"gett", "get", 1, 1}, {"kitten", "sitting", 3, 3}, {"kitten", "sitting", 2, 3}, {"", "abc", 5, 3}, {"abc", "", 1, 2},
	} {
		if got := editDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// TestFilterFlagsCover: each filter flag the command has is tried alone
// (a flag missing here would never be named as the one that emptied an
// answer).
func TestFilterFlagsCover(t *testing.T) {
	f := filter.Flags{
		Verbs: []string{"x"}, Users: []string{"x"}, UIDs: []string{"x"}, Namespaces: []string{"x"}, Names: []string{"x"},
		Subresources: []string{"x"}, FieldManagers: []string{"x"}, Resources: []string{"x"}, Stages: []string{"x"},
		HTTPStatusCodes: []string{"200"}, FailedOnly: true, Before: "x", After: "x", Duration: "x", PodSecurityViolations: "x",
		ImpersonatedUsers: []string{"x"}, Groups: []string{"x"}, UserAgents: []string{"x"}, UserAgentRegexps: []string{"x"},
		SourceIPs: []string{"x"}, Annotations: []string{"x"}, Decision: "x", MinLatency: "x", Servers: []string{"x"},
		Nodes: []string{"x"}, Levels: []string{"x"}, ReadOnly: true, WriteOnly: true, LongRunning: true, Where: []string{"x"},
		Since: "x", Until: "x",
	}
	n := 0
	for _, ff := range filterFlags {
		var one filter.Flags
		if ff.copy(&one, f) {
			n++
		}
	}
	fields := reflect.TypeFor[filter.Flags]().NumField() - 2 // but First and Last
	if n != len(filterFlags) || n != fields {
		t.Errorf("%d of %d filter flags copied, want the %d of filter.Flags", n, len(filterFlags), fields)
	}
}
