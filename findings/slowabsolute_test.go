package findings

import (
	"fmt"
	"testing"
	"time"
)

// TestSlowWebhookAbsolute checks that a layer is slow by absolute time
// whatever its share: 100 pod creations held 2.5 s each by a validating
// webhook among 33,000 requests (0.3%) are a slow-layer finding; the same
// held 0.8 s each (under Options.SlowWebhookTime), or only 10 of them (under
// Options.SlowPerHour), are not.
func TestSlowWebhookAbsolute(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	run := func(slow int, hook time.Duration) *Finding {
		ds := New(Options{})
		for i := range 33000 { // fast GETs over an hour
			ds.Add(newEntry("get", fmt.Sprint("u", i%50), fmt.Sprintf("/api/v1/namespaces/a/configmaps/c%d", i%300), 200,
				t0.Add(time.Duration(i)*100*time.Millisecond), 2*time.Millisecond, nil))
		}
		for i := range slow {
			total := hook + 100*time.Millisecond
			ds.Add(newEntry("create", "launcher", "/api/v1/namespaces/ci/pods", 201, t0.Add(time.Duration(i)*30*time.Second), total,
				map[string]string{
					"apiserver.latency.k8s.io/total":              total.String(),
					"apiserver.latency.k8s.io/validating-webhook": hook.String(),
					"apiserver.latency.k8s.io/etcd":               "5ms",
				}))
		}
		return findingOf(ds.Result(), "slow-layer", "admission-webhooks")
	}
	f := run(100, 2500*time.Millisecond)
	if f == nil {
		t.Fatal("a slow webhook on 0.3% of requests is not found")
	}
	if f.Magnitude != 100 || f.Rows[0].What != "CREATE v1/pods" || f.Group != GroupLoad {
		t.Errorf("finding %+v", f)
	}
	if n, _ := number(f.Numbers, "over 1s in admission-webhooks"); n != 100 {
		t.Errorf("%v requests over 1s, want 100", n)
	}
	if want := 100 * 2.6; f.ServerSeconds != want {
		t.Errorf("server time %v, want %v", f.ServerSeconds, want)
	}
	if f := run(100, 800*time.Millisecond); f != nil {
		t.Errorf("webhook under the absolute time found: %s", f.Summary)
	}
	if f := run(10, 2500*time.Millisecond); f != nil {
		t.Errorf("10 slow requests in an hour found: %s", f.Summary)
	}
}
