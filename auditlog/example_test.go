package auditlog_test

import (
	"context"
	"fmt"

	"github.com/auditlens/auditlens/auditlog"
)

// Who deleted pods? Read a must-gather's kube-apiserver logs in order,
// decoding only the fields the question needs.
func ExampleReader_All() {
	sources, err := auditlog.Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := auditlog.NewReader(sources, auditlog.Options{
		Fields: auditlog.FieldVerb | auditlog.FieldUser | auditlog.FieldRequestURI | auditlog.FieldStage,
	})
	for e := range r.All() {
		if rq := e.Request(); e.Event.Verb == "delete" && rq.Resource == "pods" && e.Event.Stage == "ResponseComplete" {
			fmt.Printf("%s deleted pod %s/%s\n", e.Event.User.Username, rq.Namespace, rq.Name)
		}
	}
	fmt.Printf("%d events read, %d lines could not be read\n", r.Report().Events, r.Report().Failures())
	// Output:
	// alice deleted pod shop-prod/checkout-m64tsdsqf-6wk8w
	// bob deleted pod payments/payments-cache-qm8ztqtj9-lq5dz
	// alice deleted pod analytics/analytics-frontend-qsj5n7fvb-g2f6f
	// 22250 events read, 0 lines could not be read
}

// counter is one worker's sink: it needs no lock, since only its worker
// calls it.
type counter struct{ forbidden, all int }

func (c *counter) Add(e *auditlog.Entry) {
	c.all++
	if rs := e.Event.ResponseStatus; rs != nil && rs.Code == 403 {
		c.forbidden++
	}
}

// How many requests were refused? Scan with one sink per worker, then add
// up the sinks.
func ExampleReader_Scan() {
	sources, err := auditlog.Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	counters := []*counter{{}, {}, {}, {}}
	sinks := make([]auditlog.Sink, len(counters))
	for i, c := range counters {
		sinks[i] = c
	}
	r := auditlog.NewReader(sources, auditlog.Options{
		Fields: auditlog.FieldResponseStatus | auditlog.FieldStage,
		Keep:   func(e *auditlog.Entry) bool { return e.Event.Stage == "ResponseComplete" },
	})
	if err := r.Scan(context.Background(), sinks); err != nil {
		fmt.Println(err)
		return
	}
	var total counter
	for _, c := range counters {
		total.forbidden += c.forbidden
		total.all += c.all
	}
	fmt.Printf("%d of %d requests were forbidden\n", total.forbidden, total.all)
	// Output:
	// 7716 of 20000 requests were forbidden
}
