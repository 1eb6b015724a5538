package query

import (
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// plan is what a query computes: its view, and the keys and options of the
// aggregators that answer it.
type plan struct {
	view    view
	key     aggregate.Key // --by; not Valid when not given
	grouped bool          // --by=verb or httpstatus with -o top: the grouped view
	bucket  time.Duration
	sort    aggregate.LatencyOrder // --sort of -o latency
	window  *window                // --window of -o histogram; nil when not given
	// longRunning is --long-running: the latency views measure the
	// long-running requests it keeps, which they leave out otherwise.
	longRunning bool
	// from and to are the window's bounds once resolved.
	from, to time.Time
}

// htmlTopKeys are the keys of the count tables of -o html, in page order.
var htmlTopKeys = []aggregate.Key{aggregate.KeyUser, aggregate.KeyResource, aggregate.KeyNamespace, aggregate.KeyVerb, aggregate.KeyHTTPStatus}

// aggregators are one worker's aggregators for a plan, all members of set;
// the views that do not need one leave it nil.
type aggregators struct {
	set        *aggregate.Set
	summary    *aggregate.Summary
	count      *aggregate.Count
	grouped    *aggregate.Grouped
	trackers   *aggregate.Trackers
	histogram  *aggregate.Histogram
	latency    *aggregate.Latency
	throttling *aggregate.Throttling
	tops       []*aggregate.Count // the count tables of -o html
}

// newAggregators returns empty aggregators for the plan. -o html has them
// all: the count tables, the grouped top of --by=verb, the histogram of
// --bucket by user, latency by resource and throttling, fed by one Scan.
func (p *plan) newAggregators() *aggregators {
	s := new(aggregate.Set)
	a := &aggregators{set: s, summary: aggregate.Include(s, aggregate.NewSummary())}
	switch p.view.kind {
	case viewTop:
		if p.grouped {
			a.grouped = aggregate.Include(s, aggregate.NewGrouped(p.key))
		} else {
			a.count = aggregate.Include(s, aggregate.NewCount(p.key))
		}
	case viewStats:
		a.trackers = aggregate.Include(s, aggregate.NewTrackers())
	case viewHistogram:
		a.histogram = aggregate.Include(s, aggregate.NewHistogram(p.bucket, p.key))
	case viewLatency:
		a.latency = aggregate.Include(s, p.newLatency(p.key))
	case viewThrottling:
		a.throttling = aggregate.Include(s, aggregate.NewThrottling())
	case viewHTML:
		for _, k := range htmlTopKeys {
			a.tops = append(a.tops, aggregate.Include(s, aggregate.NewCount(k)))
		}
		a.grouped = aggregate.Include(s, aggregate.NewGrouped(aggregate.KeyVerb))
		a.histogram = aggregate.Include(s, aggregate.NewHistogram(p.bucket, aggregate.KeyUser))
		a.latency = aggregate.Include(s, p.newLatency(aggregate.KeyResource))
		a.throttling = aggregate.Include(s, aggregate.NewThrottling())
	}
	return a
}

// fields is what the aggregators read.
func (a *aggregators) fields() auditlog.Fields { return a.set.Fields() }

// newLatency returns a latency aggregator by k that leaves out
// long-running requests unless --long-running asks for them (and then for
// them alone).
func (p *plan) newLatency(k aggregate.Key) *aggregate.Latency {
	l := aggregate.NewLatency(k)
	if p.longRunning {
		l.IncludeLongRunning()
	}
	return l
}
