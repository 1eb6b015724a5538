package findings

import (
	"fmt"
	"testing"
	"time"
)

// TestCostOrder checks the server time of findings and their order: the
// costliest load first whatever the counts (800 LISTs of 3 s from etcd
// before a hot loop of 1,000 GETs of 1 ms), long-running requests left
// out of server time, the APF queue wait of 429s counted apart, and the
// load before the errors before hygiene and security.
func TestCostOrder(t *testing.T) {
	ds := New(Options{})
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	for i := range 1000 { // 100 a minute for 10 minutes, 1 ms each: 1 s
		ds.Add(newEntry("get", "looper", "/api/v1/namespaces/a/configmaps/x", 200, t0.Add(time.Duration(i)*600*time.Millisecond), time.Millisecond, nil))
	}
	for i := range 800 { // cluster-wide secret LISTs from etcd, 3 s each: 2,400 s
		ds.Add(newEntry("list", "lister", "/api/v1/secrets", 200, t0.Add(time.Duration(i)*750*time.Millisecond), 3*time.Second, nil))
	}
	for i := range 200 { // refused with 403 in 1 ms: 0.2 s
		ds.Add(newEntry("get", "denied", fmt.Sprintf("/api/v1/namespaces/a/pods/p%d", i%7), 403, t0.Add(time.Duration(i)*3*time.Second), time.Millisecond, nil))
	}
	for i := range 100 { // watches of 5 minutes: long-running, no server time
		ds.Add(newEntry("watch", "watcher", "/api/v1/pods?watch=true&timeoutSeconds=300", 200, t0.Add(time.Duration(i)*6*time.Second), 5*time.Minute, nil))
	}
	for i := range 120 { // 429s after 2 s in a queue: 2 ms of work each
		ds.Add(newEntry("get", "throttled", "/api/v1/namespaces/a/configmaps/y", 429, t0.Add(time.Duration(i)*5*time.Second), 2002*time.Millisecond,
			map[string]string{"apiserver.latency.k8s.io/apf-queue-wait": "2s"}))
	}
	res := ds.Result()
	checkOrder(t, res.Findings)
	if want := 1 + 2400 + 0.2 + 120*0.002; res.ServerSeconds != want {
		t.Errorf("server time %v, want %v", res.ServerSeconds, want)
	}
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, fmt.Sprintf("%s:%s %v/%v", f.ID, f.Group, f.ServerSeconds, f.QueueSeconds))
	}
	want := []string{"etcd-lists:load 2400/0", "hot-loop:load 1/0", "throttled:errors 0.24/240", "denied-storm:errors 0.2/0", "secrets-wide:hygiene-security 2400/0"}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("findings\n%v\nwant\n%v", ids, want)
	}
	if f := findingOf(res, "hot-loop", ""); f == nil || !f.Onset.Equal(t0) {
		t.Errorf("hot loop onset %v, want %v (100 a minute from the first minute)", f.Onset, t0)
	}
	for _, f := range res.Findings {
		var rows Cost
		for _, r := range f.Rows {
			rows.add(r.Cost)
		}
		if f.MoreRows == 0 && (rows.ServerSeconds-f.ServerSeconds > 1e-6 || f.ServerSeconds-rows.ServerSeconds > 1e-6) {
			t.Errorf("%s: rows' server time %v, finding's %v", f.ID, rows.ServerSeconds, f.ServerSeconds)
		}
	}
}
