package findings

import (
	"slices"
	"testing"
	"time"
)

// TestNothingTwice checks that requests that were not served count only
// in their own findings: 1,200 watches refused with 403 in a millisecond
// are a denied storm, not watch churn; 600 server-side applies refused
// with 403 are not write churn; GETs in a loop throttled with 429 are not
// a hot loop. The same traffic served is watch churn, write churn and a
// hot loop.
func TestNothingTwice(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	run := func(code int32) []string {
		ds := New(Options{})
		for i := range 1200 { // 120 a minute for 10 minutes
			at := t0.Add(time.Duration(i) * 500 * time.Millisecond)
			ds.Add(newEntry("watch", "watcher", "/api/v1/pods?watch=true&timeoutSeconds=300", code, at, time.Millisecond, nil))
		}
		for i := range 600 { // 60 a minute on one object for 10 minutes
			at := t0.Add(time.Duration(i) * time.Second)
			ds.Add(newEntry("patch", "writer", "/api/v1/namespaces/a/configmaps/c?fieldManager=ctl", code, at, time.Millisecond, nil))
		}
		throttled := code
		if code == 403 {
			throttled = 429
		}
		for i := range 1200 { // 120 a minute on one object for 10 minutes
			at := t0.Add(time.Duration(i) * 500 * time.Millisecond)
			ds.Add(newEntry("get", "looper", "/api/v1/namespaces/a/configmaps/x", throttled, at, time.Millisecond, nil))
		}
		var ids []string
		for _, f := range ds.Result().Findings {
			ids = append(ids, f.ID+":"+f.Subject)
		}
		slices.Sort(ids)
		return ids
	}
	if got, want := run(403), []string{"denied-storm:watcher", "denied-storm:writer", "throttled:"}; !slices.Equal(got, want) {
		t.Errorf("refused: %v, want %v", got, want)
	}
	if got, want := run(200), []string{"hot-loop:", "watch-churn:", "write-churn:"}; !slices.Equal(got, want) {
		t.Errorf("served: %v, want %v", got, want)
	}
}
