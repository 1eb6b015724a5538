package findings

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestKnownExceptions checks the exceptions of knownExceptions against
// the same traffic from an ordinary client: the API server's own LISTs at
// resourceVersion=0 are no repeated-lists finding, LISTs of OpenShift
// projects no etcd-lists finding, while the same LISTs by a service
// account, and of namespaces, are.
func TestKnownExceptions(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	run := func(user, etcdPath string) []string {
		ds := New(Options{})
		for i := range 120 {
			at := t0.Add(time.Duration(i) * 30 * time.Second)
			ds.Add(newEntry("list", user, "/api/v1/configmaps?limit=500&resourceVersion=0", 200, at, 5*time.Millisecond, nil))
			ds.Add(newEntry("list", "system:serviceaccount:console:console", etcdPath, 200, at, 5*time.Millisecond, nil))
		}
		var ids []string
		for _, f := range ds.Result().Findings {
			ids = append(ids, f.ID)
		}
		slices.Sort(ids)
		return ids
	}
	if got := run("system:apiserver", "/apis/project.openshift.io/v1/projects"); len(got) != 0 {
		t.Errorf("known exceptions found: %v", got)
	}
	if got, want := run("system:serviceaccount:a:lister", "/api/v1/namespaces"), []string{"etcd-lists", "repeated-lists"}; !slices.Equal(got, want) {
		t.Errorf("ordinary clients: %v, want %v", got, want)
	}
	for _, e := range knownExceptions {
		if !strings.HasSuffix(e, ")") {
			t.Errorf("exception %q does not name the function that makes it", e)
		}
	}
}
