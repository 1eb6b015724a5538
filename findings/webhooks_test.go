package findings

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSlowWebhooksNamed reads slow requests with the webhook annotations
// of a real API server (testdata/webhooks): the slow admission-webhooks
// finding names the mutating webhooks called on them and the validating
// one that failed open, with their counts, and says that the validating
// webhooks, which took most of the time, are not named otherwise. The
// result is the same on 1 and 3 workers.
func TestSlowWebhooksNamed(t *testing.T) {
	res := scan(t, "testdata/webhooks", Options{}, 1)
	f := findingOf(res, "slow-layer", "admission-webhooks")
	if f == nil {
		t.Fatal("no slow admission webhooks")
	}
	if f.Magnitude != 55 {
		t.Errorf("%d slow requests, want 55", f.Magnitude)
	}
	want := []Webhook{
		{Name: "defaults.example.com", Configuration: "pod-defaults", Kind: "mutating", Requests: 30, Mutated: 3},
		{Name: "sidecar-injector.istio.io", Configuration: "istio-sidecar-injector", Kind: "mutating", Requests: 30, Mutated: 30},
		{Name: "policy.example.com", Kind: "validating", Requests: 5, FailedOpen: 5},
	}
	if !slices.Equal(f.Webhooks, want) {
		t.Errorf("webhooks\n%+v\nwant\n%+v", f.Webhooks, want)
	}
	for _, s := range []string{
		"sidecar-injector.istio.io (mutating, on 30, changed 30)",
		"defaults.example.com (mutating, on 30, changed 3)",
		"Validating webhooks took most of the time",
		"does not name a validating webhook that answers",
		"policy.example.com (validating, failed open on 5)",
	} {
		if !strings.Contains(f.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, f.Summary)
		}
	}
	mutating, _ := number(f.Numbers, "time in mutating webhooks")
	validating, _ := number(f.Numbers, "time in validating webhooks")
	if mutating < 30*2.3 || mutating > 30*2.5 || validating < 25*3.0+30*0.15 || validating > 25*3.3+30*0.2 {
		t.Errorf("time in mutating webhooks %v, validating %v", mutating, validating)
	}
	if other := scan(t, "testdata/webhooks", Options{}, 3); fmt.Sprintf("%+v", other) != fmt.Sprintf("%+v", res) {
		t.Error("3 workers give another result than 1")
	}
}

// TestSlowWebhooksUnnamed checks the two counter-cases: slow validating
// webhooks alone name nothing and the finding says why; slow mutating
// webhooks without annotations (a log from before they were written, or
// with them filtered out) name nothing and say nothing of validating
// webhooks.
func TestSlowWebhooksUnnamed(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	run := func(layer string) *Finding {
		ds := New(Options{})
		for i := range 40 {
			ds.Add(newEntry("create", "launcher", "/api/v1/namespaces/ci/pods", 201, t0.Add(time.Duration(i)*time.Minute), 2600*time.Millisecond,
				map[string]string{
					"apiserver.latency.k8s.io/total":    "2.6s",
					"apiserver.latency.k8s.io/" + layer: "2.5s",
				}))
		}
		return findingOf(ds.Result(), "slow-layer", "admission-webhooks")
	}
	v := run("validating-webhook")
	if v == nil || len(v.Webhooks) != 0 || !strings.Contains(v.Summary, "does not name a validating webhook") || strings.Contains(v.Summary, "mutating webhooks called") {
		t.Errorf("validating only: %+v", v)
	}
	m := run("mutating-webhook")
	if m == nil || len(m.Webhooks) != 0 || strings.Contains(m.Summary, "Validating") || strings.Contains(m.Summary, "mutating webhooks called") {
		t.Errorf("mutating only, unnamed: %+v", m)
	}
}
