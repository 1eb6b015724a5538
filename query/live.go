package query

import (
	"fmt"
	"iter"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/format"
)

// Live is a query answered from events as they arrive rather than from
// files: a server feeds each minute's events to Counters of its own and
// asks for the answer over the minutes of a window, as often as it likes.
// The answer is the Result Run gives for the same events, built by the
// same views; the time flags (since, until, after, before) choose the
// window, and their offsets count from the first and last events the
// server holds.
type Live struct {
	query Query
	// count builds the counters: the query's view, counting what every
	// encoding of it shows (samples included); answer builds what answers
	// from them: the view as asked (its N, its encoding).
	count, answer *plan
	keep          filter.Filter // every filter flag but the times
	key           string
}

// Live checks q as Run does and returns it ready to be answered from
// counters; no input is read. A listing (no -o, wide, json), --window,
// --baseline and input paths are refused: a server keeps what events add
// up to, not the events. files are what the answers' next commands read
// (-f FILES), such as the server's Parquet export; none writes -f
// AUDIT_LOGS.
func (q Query) Live(files ...string) (*Live, error) {
	if len(q.Paths) > 0 || q.ArtifactDir != "" {
		return nil, errorf("filename", "a live query reads the events received, not files")
	}
	if q.Window != "" {
		return nil, errorf("window", "--window is not answered live: ask -o histogram over two windows with since and until")
	}
	if q.Baseline.given() {
		return nil, errorf("baseline", "--baseline is not answered live: compare an export of what the server saw")
	}
	if err := q.Filters.Validate(); err != nil {
		return nil, filterError(err)
	}
	answer, err := q.plan()
	if err != nil {
		return nil, err
	}
	if answer.view.isListing() {
		return nil, errorf("output", "-o %q lists events, which are not kept live: ask for a view (%s)", q.Output,
			viewsWith(func(s *spec) bool { return s.listing == nil }))
	}
	cq := q
	if !answer.view.page {
		cq.Format = format.JSON.String() // the counters keep what JSON shows: every encoding can answer from them
	}
	count, err := cq.plan()
	if err != nil {
		return nil, err
	}
	count.minute = true
	flags := untimed(q.Filters)
	keep, err := flags.Build()
	if err != nil {
		return nil, filterError(err)
	}
	count.paths, answer.paths = files, files
	l := &Live{query: q, count: count, answer: answer, keep: keep}
	l.key = fmt.Sprintf("%s|%s|%s|%v|%s", count.view.build0(), q.By, count.bucket, q.Filters.LongRunning, keep)
	return l, nil
}

// untimed returns flags without the time flags.
func untimed(flags filter.Flags) filter.Flags {
	flags.Since, flags.Until, flags.Before, flags.After = "", "", "", ""
	return flags
}

// build0 names what the view counts, for a Live query's Key: views that
// count alike (top and csv) share it.
func (v view) build0() string {
	if v.name == "csv" {
		return "top"
	}
	return v.name
}

// Key says what the query's counters count: queries of equal keys can be
// answered from the same counters (top and csv, any N, any encoding, any
// window).
func (l *Live) Key() string { return l.key }

// Timed reports whether the query has a time flag, which chooses its
// window.
func (l *Live) Timed() bool {
	f := l.query.Filters
	return f.Since != "" || f.Until != "" || f.Before != "" || f.After != ""
}

// Window returns the window [since, until) of request times that the
// query's time flags keep (a zero side is open), their offsets counted
// from first and last, the times of the oldest and newest events held.
func (l *Live) Window(first, last time.Time) (since, until time.Time, err error) {
	flags := l.query.Filters
	flags.First, flags.Last = first, last
	if _, err := flags.Build(); err != nil {
		return since, until, filterError(err)
	}
	since, until = timeWindow(flags)
	return since, until, nil
}

// Counter is one minute's (or any part's) counters of a Live query: an
// auditlog.Aggregator that keeps the events the query's filters keep.
type Counter struct {
	keep filter.Filter
	ws   *workerSet
}

// NewCounter returns empty counters for the query.
func (l *Live) NewCounter() *Counter {
	return &Counter{keep: l.keep, ws: l.count.newWorkerSet()}
}

// Add counts e when the query's filters keep it.
func (c *Counter) Add(e *auditlog.Entry) {
	if c.keep.Match(e) {
		c.ws.Add(e)
	}
}

// Fields is what the filters and the counters read.
func (c *Counter) Fields() auditlog.Fields { return c.keep.Fields() | c.ws.Fields() }

// Merge adds the counts of o, counters of a query of the same Key, to c,
// and leaves o as it was.
func (c *Counter) Merge(o *Counter) { c.ws.set.MergeKeeping(o.ws.set) }

// Answer returns the query's Result over counters, which it merges and
// leaves as they were: the same Result Run gives for the events they
// counted. rep is what was read of them; first and last are the times of
// the oldest and newest events held, from which the time flags' offsets
// count (the Result's filter says the window they resolve to). Its
// FilterFailures count the events a --where expression could not be
// evaluated on by the counters' filters (those of the Live that made
// them): since the query was first counted, in any minute, not only the
// window's.
func (l *Live) Answer(counters iter.Seq[*Counter], rep *auditlog.Report, first, last time.Time) (*Result, error) {
	flags := l.query.Filters
	flags.First, flags.Last = first, last
	shown, err := flags.Build()
	if err != nil {
		return nil, filterError(err)
	}
	ws := l.answer.newWorkerSet()
	var counted filter.Filter // the counters' filters, which tally the --where failures
	for c := range counters {
		ws.set.MergeKeeping(c.ws.set)
		counted = c.keep
	}
	res := &Result{enc: l.answer.view.enc, filter: shown, Warnings: l.answer.warnings}
	res.finish(l.answer, ws, rep)
	if counted != nil {
		res.FilterFailures = filter.WhereFailures(counted)
	}
	return res, nil
}
