package findings_test

import (
	"context"
	"fmt"
	"runtime"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/findings"
)

// worker is what each reading goroutine owns: the filter (shared,
// read-only) and its own detectors.
type worker struct {
	keep filter.Filter
	d    *findings.Detectors
}

func (w *worker) Add(e *auditlog.Entry) {
	if w.keep.Match(e) {
		w.d.Add(e)
	}
}

// What is overloading the API of the committed sample must-gather? The
// detectors name the monitoring agent refused with 403 first.
func Example() {
	logs := "../testdata/must-gather/audit_logs/kube-apiserver"
	sources, err := auditlog.Find(logs)
	if err != nil {
		fmt.Println(err)
		return
	}
	keep, err := filter.Flags{Stages: []string{"ResponseComplete"}}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := findings.Options{Files: []string{"audit_logs/kube-apiserver"}}
	workers := make([]*worker, runtime.GOMAXPROCS(0))
	sinks := make([]auditlog.Sink, len(workers))
	for i := range workers {
		workers[i] = &worker{keep: keep, d: findings.New(opts)}
		sinks[i] = workers[i]
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: keep.Fields() | workers[0].d.Fields()})
	if err := r.Scan(context.Background(), sinks); err != nil {
		fmt.Println(err)
		return
	}
	all := workers[0].d
	for _, w := range workers[1:] {
		all.Merge(w.d)
	}
	res := all.Result()
	for _, f := range res.Findings {
		if f.Group != findings.GroupErrors {
			continue // the load first, by server time
		}
		fmt.Println(f.Severity, f.ID, f.Subject)
		fmt.Println(f.Rows[0].What, f.Rows[0].Count)
		fmt.Println(f.Rules[0].Resources, f.Rules[0].Verbs)
		fmt.Println(f.Command)
		break
	}
	// Output:
	// high denied-storm system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// GET /api/v1/nodes/{name}/proxy/metrics 7716
	// [nodes/proxy] [get]
	// kubectl audit -f audit_logs/kube-apiserver --user=system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent --by=verb -otop
}
