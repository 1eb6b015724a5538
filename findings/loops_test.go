package findings

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestObjectLoopsKinds checks what the one per-object table gives each of
// its findings: a server-side apply loop is a hot loop (named by its verb,
// PATCH) and write churn (named as an apply); a patch that is not an apply
// is a hot loop only, and counts in one hot loop with the applies of its
// user and object; updates at write churn's rate are write churn only;
// gets are hot loops only; refused writes are neither (they are the denied
// storm's).
func TestObjectLoopsKinds(t *testing.T) {
	ds, d := only[*objectLoops](t, Options{})
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	loop := func(verb, user, uri string, code int32, perMinute int) {
		for m := range 6 {
			for i := range perMinute {
				at := t0.Add(time.Duration(m)*time.Minute + time.Duration(i)*time.Minute/time.Duration(perMinute))
				ds.Add(newEntry(verb, user, uri, code, at, time.Millisecond, nil))
			}
		}
	}
	loop("patch", "applier", "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=fleet-agent", 200, 70)
	loop("patch", "patcher", "/api/v1/namespaces/a/configmaps/c?fieldManager=kubectl-patch", 200, 70)
	loop("update", "updater", "/api/v1/namespaces/a/configmaps/u", 200, 10)
	loop("get", "getter", "/api/v1/namespaces/a/secrets/s", 200, 70)
	// 35 applies (force=true) and 35 other patches a minute, of one field
	// manager: one hot loop of 70.
	loop("patch", "mixed", "/api/v1/namespaces/a/configmaps/m?fieldManager=kubectl-x&force=true", 200, 35)
	loop("patch", "mixed", "/api/v1/namespaces/a/configmaps/m?fieldManager=kubectl-x", 200, 35)
	loop("update", "refused", "/api/v1/namespaces/a/configmaps/r", 403, 70)
	var got []string
	for _, f := range d.result() {
		for _, r := range f.Rows {
			got = append(got, fmt.Sprintf("%s %s %s %d", f.ID, r.Offender, r.What, r.Count))
		}
	}
	want := []string{
		"hot-loop applier[fleet-agent] PATCH /apis/apps/v1/namespaces/a/deployments/web 420",
		"hot-loop getter GET /api/v1/namespaces/a/secrets/s 420",
		"hot-loop mixed[kubectl-x] PATCH /api/v1/namespaces/a/configmaps/m 420",
		"hot-loop patcher[kubectl-patch] PATCH /api/v1/namespaces/a/configmaps/c 420",
		"write-churn applier[fleet-agent] APPLY (server-side) /apis/apps/v1/namespaces/a/deployments/web 420",
		"write-churn mixed[kubectl-x] APPLY (server-side) /api/v1/namespaces/a/configmaps/m 210",
		"write-churn updater UPDATE /api/v1/namespaces/a/configmaps/u 60",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
}
