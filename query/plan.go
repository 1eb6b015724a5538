package query

import (
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/findings"
)

// plan is what a query computes: its view, and the keys and options of the
// aggregators that answer it.
type plan struct {
	view   view
	key    aggregate.Key // --by; not Valid when not given
	by     string        // --by as given
	bucket time.Duration
	sort   aggregate.LatencyOrder // --sort of -o latency
	window *window                // --window of -o histogram; nil when not given
	// longRunning is --long-running: the latency views measure the
	// long-running requests it keeps, which they leave out otherwise.
	longRunning bool
	// from and to are the window's bounds once resolved.
	from, to time.Time
	// paths are the -f values, which findings repeat in their commands.
	paths []string
	// compareBy is the key of -o html --baseline's comparison, whose
	// profile the workers keep; not Valid without a baseline.
	compareBy aggregate.Key
	// verbose is -v: the text views say more (the findings' samples).
	verbose bool
	// filters are the filter flags, their times resolved once prepared;
	// spooled says standard input was copied so as to be read again.
	filters filter.Flags
	spooled bool
	// warnings name the flags given that the view does not use.
	warnings []string
	// minute says the aggregators count one minute of a server's (see
	// Live), which keeps dozens of them: their findings keep smaller
	// tables (findingsOptions).
	minute bool
}

// The bounds of a minute's findings tables in a server (plan.minute),
// which keeps about twenty minutes and buckets of each query: a sixteenth
// of the objects and a tenth of the keys a capture's findings keep
// (findings.Options). A hot object stays in a minute's table once
// requested more often than about one request in 2,048 of that minute.
const (
	minuteObjectRows = 2048
	minuteMaxKeys    = 10_000
)

// findingsOptions are the options of the plan's findings.
func (p *plan) findingsOptions() findings.Options {
	o := findings.Options{Files: p.paths}
	if p.minute {
		o.ObjectRows, o.MaxKeys = minuteObjectRows, minuteMaxKeys
	}
	return o
}

// workerSet is one worker's aggregators for a plan: the view's, and the
// summary every view has.
type workerSet struct {
	set     *aggregate.Set
	summary *aggregate.Summary
	answer  answerFunc // nil for a query that answers nothing (the first pass, an export)
	// profile is the input's profile for the page's comparison with a
	// baseline (plan.compareBy); nil without one.
	profile *aggregate.Profile
}

// newWorkerSet returns one worker's empty aggregators for the plan.
func (p *plan) newWorkerSet() *workerSet {
	s := new(aggregate.Set)
	w := &workerSet{set: s, summary: aggregate.Include(s, aggregate.NewSummary())}
	w.answer = p.view.build(p, s)
	if p.compareBy.Valid() {
		w.profile = aggregate.Include(s, aggregate.NewProfile(p.compareBy))
	}
	return w
}

// count returns a count by k in s, with samples when the view shows them.
func (p *plan) count(s *aggregate.Set, k aggregate.Key) *aggregate.Count {
	c := aggregate.NewCount(k)
	if p.view.samples() {
		c.KeepSamples()
	}
	return aggregate.Include(s, c)
}

// latency returns latency by k in s that leaves out long-running requests
// unless --long-running asks for them (and then for them alone), with
// samples when asked.
func (p *plan) latency(s *aggregate.Set, k aggregate.Key, samples bool) *aggregate.Latency {
	l := aggregate.NewLatency(k)
	if p.longRunning {
		l.IncludeLongRunning()
	}
	if samples {
		l.KeepSamples()
	}
	return aggregate.Include(s, l)
}

// Add feeds e to the worker's aggregators.
func (w *workerSet) Add(e *auditlog.Entry) { w.set.Add(e) }

// AddBatch feeds entries to the worker's aggregators, one aggregator at a
// time (auditlog.BatchSink).
func (w *workerSet) AddBatch(entries []*auditlog.Entry) { w.set.AddBatch(entries) }

// Fields is what the worker's aggregators read.
func (w *workerSet) Fields() auditlog.Fields { return w.set.Fields() }

// LaterFields is what the Set reads only through Entry.Fill.
func (w *workerSet) LaterFields() auditlog.Fields { return w.set.LaterFields() }

// Merge merges another worker's aggregators, built by the same plan.
func (w *workerSet) Merge(o *workerSet) { w.set.Merge(o.set) }
