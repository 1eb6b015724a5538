package auditlog_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

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
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true,
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

// refusals is one worker's count: it needs no lock, since only its worker
// calls Add. Fields and Merge make it an Aggregator, for Scan.
type refusals struct{ forbidden, all int }

func (c *refusals) Add(e *auditlog.Entry) {
	c.all++
	if rs := e.Event.ResponseStatus; rs != nil && rs.Code == 403 {
		c.forbidden++
	}
}

func (c *refusals) Fields() auditlog.Fields { return auditlog.FieldResponseCode }

func (c *refusals) Merge(o *refusals) { c.forbidden, c.all = c.forbidden+o.forbidden, c.all+o.all }

// How many requests were refused? Scan on every core, one count per
// worker, merged. By default the entries are requests: the
// ResponseComplete event of each, counted once.
func ExampleScan() {
	sources, err := auditlog.Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	total, report, err := auditlog.Scan(context.Background(), sources, auditlog.Options{}, func() *refusals { return new(refusals) })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d requests were forbidden (%d events read)\n", total.forbidden, total.all, report.Events)
	// Output:
	// 7716 of 20000 requests were forbidden (22250 events read)
}

// What was in these files? An AKS export, an EventList and a file that is
// no audit log, read by content: the report says what each file held.
func ExampleFileReport() {
	sources, err := auditlog.Find("testdata/shapes/aks-export.json", "testdata/shapes/eventlist.json", "testdata/shapes/not-gzip.log.gz")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldVerb})
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
// servers'; by default, a request kube-apiserver proxied, which both
// logged, counts once (Options.EveryCopy reads both copies). (The committed
// sample was generated without proxied requests: none is a copy.)
func ExampleOptions_requests() {
	sources, err := auditlog.Find("../testdata/must-gather")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: auditlog.FieldStage})
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

// deleters records the user agents of the clients that deleted something:
// deletes are few, so it reads the user agent of those alone, through
// Entry.Fill, and says so with LaterFields: the reader then leaves every
// other request's user agent undecoded.
type deleters struct{ agents map[string]int }

func (d *deleters) Add(e *auditlog.Entry) {
	if e.Event.Verb != "delete" {
		return
	}
	if err := e.Fill(auditlog.FieldUserAgent); err != nil {
		return // counted in the Report, as Repaired
	}
	d.agents[strings.Clone(e.Event.UserAgent)]++
}
func (d *deleters) Fields() auditlog.Fields      { return auditlog.FieldVerb | auditlog.FieldUserAgent }
func (d *deleters) LaterFields() auditlog.Fields { return auditlog.FieldUserAgent }
func (d *deleters) Merge(o *deleters) {
	for a, n := range o.agents {
		d.agents[a] += n
	}
}

// Which clients delete? Decode the user agent of the deletes only.
func ExampleEntry_Fill() {
	sources, err := auditlog.Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{},
		func() *deleters { return &deleters{agents: map[string]int{}} })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range slices.Sorted(maps.Keys(d.agents)) {
		fmt.Printf("%d %s\n", d.agents[a], a)
	}
	// Output:
	// 3 oc/4.13.0 (linux/amd64) kubernetes/92b1a3d
}
