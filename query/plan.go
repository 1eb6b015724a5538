package query

import (
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/format"
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
	// paths are the -f values, which findings repeat in their commands.
	paths []string
}

// htmlGroups is the most groups of each verb the HTML page's grouped
// table keeps per worker (aggregate.Grouped.KeepAtMost): about 2 MB each.
// The top groups of a verb have thousands of requests; the groups let go
// have a handful.
const htmlGroups = 8192

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
	findings   *findings.Detectors
}

// newAggregators returns empty aggregators for the plan. -o html has them
// all: the findings, the count tables, the grouped top of --by=verb, the
// histogram of --bucket by user, latency by resource and throttling, fed
// by one Scan. Rows keep sample auditIDs where the view shows them (but
// the page's grouped table: see below).
func (p *plan) newAggregators() *aggregators {
	s := new(aggregate.Set)
	a := &aggregators{set: s, summary: aggregate.Include(s, aggregate.NewSummary())}
	samples := p.view.samples()
	count := func(k aggregate.Key) *aggregate.Count {
		c := aggregate.NewCount(k)
		if samples {
			c.KeepSamples()
		}
		return aggregate.Include(s, c)
	}
	grouped := func(k aggregate.Key) *aggregate.Grouped {
		g := aggregate.NewGrouped(k)
		if samples {
			g.KeepSamples()
		}
		return aggregate.Include(s, g)
	}
	latency := func(k aggregate.Key) *aggregate.Latency {
		l := p.newLatency(k)
		if samples {
			l.KeepSamples()
		}
		return aggregate.Include(s, l)
	}
	switch p.view.kind {
	case viewTop:
		if p.grouped {
			a.grouped = grouped(p.key)
			if p.view.enc == format.Text {
				// The reference's text view shows each group's mean
				// latency alone.
				a.grouped.MeanLatencyOnly()
			}
		} else {
			a.count = count(p.key)
		}
	case viewStats:
		a.trackers = aggregate.Include(s, aggregate.NewTrackers())
	case viewHistogram:
		a.histogram = aggregate.Include(s, aggregate.NewHistogram(p.bucket, p.key))
	case viewLatency:
		a.latency = latency(p.key)
	case viewThrottling:
		a.throttling = aggregate.Include(s, aggregate.NewThrottling())
	case viewFindings:
		a.findings = aggregate.Include(s, findings.New(findings.Options{Files: p.paths}))
	case viewHTML:
		a.findings = aggregate.Include(s, findings.New(findings.Options{Files: p.paths}))
		for _, k := range htmlTopKeys {
			a.tops = append(a.tops, count(k))
		}
		// The page's grouped table keeps no samples, and the htmlGroups
		// groups of each verb with the most requests: it shows the top
		// groups, and a group of every distinct URI is what memory would
		// grow with. It shows their mean latency alone.
		a.grouped = aggregate.Include(s, aggregate.NewGrouped(aggregate.KeyVerb).KeepAtMost(htmlGroups).MeanLatencyOnly())
		a.histogram = aggregate.Include(s, aggregate.NewHistogram(p.bucket, aggregate.KeyUser))
		a.latency = latency(aggregate.KeyResource)
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
