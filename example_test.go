package auditlens_test

import (
	"context"
	"fmt"
	"runtime"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
)

// worker is what each reading goroutine owns: the filter (shared, it is
// read-only) and its own counter.
type worker struct {
	keep  filter.Filter
	users *aggregate.Count
}

func (w *worker) Add(e *auditlog.Entry) {
	if w.keep.Match(e) {
		w.users.Add(e)
	}
}

// Who is hitting the API? Count the requests of the committed sample
// must-gather by user, as `kubectl audit --by=user -otop` does.
func Example() {
	sources, err := auditlog.Find("testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	keep, err := filter.Flags{Stages: []string{"ResponseComplete"}}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	workers := make([]*worker, runtime.GOMAXPROCS(0))
	sinks := make([]auditlog.Sink, len(workers))
	for i := range workers {
		workers[i] = &worker{keep: keep, users: aggregate.NewCount(aggregate.KeyUser)}
		sinks[i] = workers[i]
	}
	// Decode only what the filter and the counter read.
	fields := keep.Fields() | workers[0].users.Fields()
	r := auditlog.NewReader(sources, auditlog.Options{Fields: fields})
	if err := r.Scan(context.Background(), sinks); err != nil {
		fmt.Println(err)
		return
	}
	total := workers[0].users
	for _, w := range workers[1:] {
		total.Merge(w.users)
	}
	top := total.Result(3)
	fmt.Printf("%d requests, %d lines that could not be read\n", top.Total, r.Report().Failures())
	for _, row := range top.Rows {
		fmt.Printf("%dx %s\n", row.Count, row.Key)
	}
	// Output:
	// 20000 requests, 0 lines that could not be read
	// 7817x system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 1185x system:apiserver
	// 718x system:serviceaccount:openshift-apiserver:openshift-apiserver-sa
}
