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

// What was in these files? An AKS export, an EventList and a file that is
// no audit log, read by content: the report says what each file held.
func ExampleFileReport() {
	sources, err := auditlog.Find("testdata/shapes/aks-export.json", "testdata/shapes/eventlist.json", "testdata/shapes/not-gzip.log.gz")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: auditlog.FieldVerb})
	for range r.All() {
	}
	for _, f := range r.Report().ByFile {
		fmt.Printf("%s: %s\n", f.Path, f.String())
	}
	// Output:
	// testdata/shapes/aks-export.json: AKS export: 4 events
	// testdata/shapes/eventlist.json: EventList: 4 events
	// testdata/shapes/not-gzip.log.gz: no audit events: not gzip
}

// A must-gather root holds kube-apiserver's log and the aggregated API
// servers'; with CountOnce, a request kube-apiserver proxied, which both
// logged, counts once. (The committed sample was generated without
// proxied requests: none is a copy.)
func ExampleOptions_countOnce() {
	sources, err := auditlog.Find("../testdata/must-gather")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := auditlog.NewReader(sources, auditlog.Options{
		Fields:    auditlog.FieldStage,
		Keep:      func(e *auditlog.Entry) bool { return e.Event.Stage == "ResponseComplete" },
		CountOnce: true,
	})
	n := 0
	for range r.All() {
		n++
	}
	fmt.Printf("%d requests, %d events were copies\n", n, r.Report().Repeated)
	if err := r.Report().Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 23000 requests, 0 events were copies
}
