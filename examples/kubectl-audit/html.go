package main

import (
	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/format"
)

// htmlTopKeys are the keys of the count tables of -o html, in page order.
var htmlTopKeys = []string{"user", "resource", "namespace", "verb", "httpstatus"}

// newHTMLResults adds to r the aggregators of -o html: the count tables,
// the grouped top of --by=verb, the histogram of --bucket by user, latency
// by resource and throttling. They are all fed by the same Scan.
func newHTMLResults(r *results, p plan) {
	for _, name := range htmlTopKeys {
		r.tops = append(r.tops, aggregate.NewCount(mustKey(name)))
	}
	r.grouped = aggregate.NewGrouped(mustKey("verb"))
	r.histogram = aggregate.NewHistogram(p.bucket, mustKey("user"))
	r.latency = aggregate.NewLatency(mustKey("resource"))
	r.throttle = aggregate.NewThrottling()
}

// mustKey returns the built-in key named name; the names above are all
// built in (TestHTMLKeys checks them), so a miss is an invalid Key, which
// the aggregators count as "no key" rather than failing.
func mustKey(name string) aggregate.Key {
	k, _ := aggregate.KeyByName(name)
	return k
}

// htmlReport gathers the merged results of -o html[=N] for the page.
func htmlReport(v view, f filter.Filter, r *results, sum aggregate.SummaryResult, rep *auditlog.Report) format.HTMLReport {
	h := format.HTMLReport{Filter: f.String(), Summary: sum, Read: rep}
	for _, c := range r.tops {
		h.Tops = append(h.Tops, c.Result(v.n))
	}
	hist := r.histogram.Result(v.n, 1)
	h.Histogram = &hist
	g := r.grouped.Result(v.n)
	h.Grouped = &g
	l := r.latency.Result(v.n)
	h.Latency = &l
	t := r.throttle.Result(v.n)
	h.Throttling = &t
	return h
}
