package main

import (
	"context"
	"io"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/format"
)

// plan says which aggregators a view needs.
type plan struct {
	view    view
	key     aggregate.Key // --by; not Valid when not given
	grouped bool          // --by=verb or httpstatus with -o top: the grouped view
	bucket  time.Duration
	sort    aggregate.LatencyOrder // --sort of -o latency
	window  *window                // --window of -o histogram; nil when not given
	// from and to are the window's bounds once resolved (see run).
	from, to time.Time
}

// plan checks --by and --bucket for the view.
func (o *options) plan(v view) (plan, error) {
	p := plan{view: v}
	if o.by != "" {
		k, err := aggregate.KeyByName(o.by)
		if err != nil {
			return p, usageErrorf("invalid --by value %q: expected one of verb, user, resource, httpstatus, namespace, %s, or several joined by commas", o.by, joinKeys())
		}
		p.key = k
		p.grouped = o.by == "verb" || o.by == "httpstatus"
	}
	if o.sort != "" && v.kind != viewLatency {
		return p, usageErrorf("--sort applies to -o latency only")
	}
	if v.kind == viewHTML && p.key.Valid() {
		return p, usageErrorf("--by does not apply to -o html, whose tables have their own keys")
	}
	if o.window != "" && v.kind != viewHistogram {
		return p, usageErrorf("--window applies to -o histogram only")
	}
	switch v.kind {
	case viewTop, viewLatency:
		if !p.key.Valid() {
			return p, usageErrorf("-o %s needs --by (verb, user, resource, httpstatus, namespace...)", o.output)
		}
		order, err := aggregate.ParseLatencyOrder(o.sort)
		if err != nil {
			return p, usageErrorf("invalid --sort value %q: expected count, p99, max, mean", o.sort)
		}
		p.sort = order
	case viewHistogram, viewHTML:
		if o.window != "" {
			if !p.key.Valid() {
				return p, usageErrorf("--window needs --by: the keys whose share grew are keys of --by")
			}
			w, err := parseWindow(o.window)
			if err != nil {
				return p, err
			}
			p.window = w
		}
		d, err := time.ParseDuration(o.bucket)
		if err != nil || d <= 0 {
			return p, usageErrorf("invalid --bucket value %q: expected a positive Go duration such as 10s or 1m", o.bucket)
		}
		p.bucket = d
	}
	return p, nil
}

func joinKeys() string {
	s := ""
	for i, k := range extraKeys() {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s
}

// results are one worker's aggregators, or all of them merged.
type results struct {
	filter    filter.Filter
	summary   *aggregate.Summary
	count     *aggregate.Count
	grouped   *aggregate.Grouped
	trackers  *aggregate.Trackers
	histogram *aggregate.Histogram
	latency   *aggregate.Latency
	throttle  *aggregate.Throttling
	tops      []*aggregate.Count // the count tables of -o html
}

// newResults returns empty aggregators for the plan.
func newResults(p plan, f filter.Filter) *results {
	r := &results{filter: f, summary: aggregate.NewSummary()}
	switch p.view.kind {
	case viewTop:
		if p.grouped {
			r.grouped = aggregate.NewGrouped(p.key)
		} else {
			r.count = aggregate.NewCount(p.key)
		}
	case viewStats:
		r.trackers = aggregate.NewTrackers()
	case viewHistogram:
		r.histogram = aggregate.NewHistogram(p.bucket, p.key)
	case viewLatency:
		r.latency = aggregate.NewLatency(p.key)
	case viewThrottling:
		r.throttle = aggregate.NewThrottling()
	case viewHTML:
		newHTMLResults(r, p)
	}
	return r
}

// fields is the set of event fields the filter and aggregators read.
func (r *results) fields() auditlog.Fields {
	f := r.filter.Fields() | r.summary.Fields()
	if r.count != nil {
		f |= r.count.Fields()
	}
	if r.grouped != nil {
		f |= r.grouped.Fields()
	}
	if r.trackers != nil {
		f |= r.trackers.Fields()
	}
	if r.histogram != nil {
		f |= r.histogram.Fields()
	}
	if r.latency != nil {
		f |= r.latency.Fields()
	}
	if r.throttle != nil {
		f |= r.throttle.Fields()
	}
	for _, c := range r.tops {
		f |= c.Fields()
	}
	return f
}

// Add counts e if the filter keeps it.
func (r *results) Add(e *auditlog.Entry) {
	if !r.filter.Match(e) {
		return
	}
	r.summary.Add(e)
	if r.count != nil {
		r.count.Add(e)
	}
	if r.grouped != nil {
		r.grouped.Add(e)
	}
	if r.trackers != nil {
		r.trackers.Add(e)
	}
	if r.histogram != nil {
		r.histogram.Add(e)
	}
	if r.latency != nil {
		r.latency.Add(e)
	}
	if r.throttle != nil {
		r.throttle.Add(e)
	}
	for _, c := range r.tops {
		c.Add(e)
	}
}

// merge adds o's counts to r.
func (r *results) merge(o *results) {
	r.summary.Merge(o.summary)
	if r.count != nil {
		r.count.Merge(o.count)
	}
	if r.grouped != nil {
		r.grouped.Merge(o.grouped)
	}
	if r.trackers != nil {
		r.trackers.Merge(o.trackers)
	}
	if r.histogram != nil {
		r.histogram.Merge(o.histogram)
	}
	if r.latency != nil {
		r.latency.Merge(o.latency)
	}
	if r.throttle != nil {
		r.throttle.Merge(o.throttle)
	}
	for i, c := range r.tops {
		c.Merge(o.tops[i])
	}
}

// aggregate reads the sources with one results per worker and merges them.
func (o *options) aggregate(ctx context.Context, p plan, f filter.Filter, sources []auditlog.Source, prog *progress) (*results, *auditlog.Report, error) {
	workers := make([]*results, o.workers)
	sinks := make([]auditlog.Sink, o.workers)
	for i := range workers {
		workers[i] = newResults(p, f)
		sinks[i] = workers[i]
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: workers[0].fields(), Progress: prog.hook()})
	if err := r.Scan(ctx, sinks); err != nil {
		return nil, nil, err
	}
	for _, w := range workers[1:] {
		workers[0].merge(w)
	}
	return workers[0], r.Report(), nil
}

// write writes an aggregate view; rep is the read report, for -o html.
func (o *options) write(w io.Writer, v view, p plan, f filter.Filter, r *results, sum aggregate.SummaryResult, rep *auditlog.Report) error {
	doc := format.Document{Filter: f.String(), Summary: &sum}
	// render writes the document, the CSV or the text, as --format says.
	render := func(csv, text func() error) error {
		switch v.enc {
		case encJSON:
			return format.WriteDocument(w, doc)
		case encCSV:
			return csv()
		}
		return text()
	}
	// withSummary writes the summary line, then the view, when anything
	// was counted.
	withSummary := func(write func() error) func() error {
		return func() error {
			if sum.Count == 0 {
				return nil
			}
			if err := format.WriteSummary(w, sum); err != nil {
				return err
			}
			return write()
		}
	}
	switch v.kind {
	case viewHTML:
		return format.WriteHTML(w, htmlReport(v, f, r, sum, rep))
	case viewTop:
		doc.View = "top"
		if r.grouped != nil {
			g := r.grouped.Result(v.n)
			doc.Grouped = &g
			return render(func() error { return format.WriteGroupedCSV(w, g) },
				withSummary(func() error { return format.WriteGrouped(w, g) }))
		}
		c := r.count.Result(v.n)
		doc.Top = &c
		return render(func() error { return format.WriteCountCSV(w, c) },
			withSummary(func() error { return format.WriteCount(w, c) }))
	case viewStats:
		doc.View = "stats"
		t := r.trackers.Result()
		doc.Trackers = &t
		return render(func() error { return format.WriteTrackersCSV(w, t) },
			func() error { return format.WriteTrackers(w, sum, t) })
	case viewLatency:
		doc.View = "latency"
		l := r.latency.ResultBy(p.sort, v.n)
		doc.Latency = &l
		return render(func() error { return format.WriteLatencyCSV(w, l) },
			withSummary(func() error { return format.WriteLatency(w, l) }))
	case viewThrottling:
		doc.View = "throttling"
		t := r.throttle.Result(v.n)
		doc.Throttling = &t
		return render(func() error { return format.WriteThrottlingCSV(w, t) },
			withSummary(func() error { return format.WriteThrottling(w, t, format.ThrottlingOptions{}) }))
	default: // viewHistogram
		doc.View = "histogram"
		per := 0
		if p.key.Valid() {
			per = v.n
		}
		h := r.histogram.Result(per, v.n)
		doc.Histogram = &h
		if p.window != nil {
			c := r.histogram.Changed(p.from, p.to, v.n)
			doc.Changes = &c
		}
		csv := func() error {
			if doc.Changes != nil {
				return format.WriteChangesCSV(w, *doc.Changes, h.By)
			}
			return format.WriteHistogramCSV(w, h)
		}
		return render(csv, withSummary(func() error {
			if err := format.WriteHistogram(w, h, format.HistogramOptions{}); err != nil || doc.Changes == nil {
				return err
			}
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
			return format.WriteChanges(w, *doc.Changes, h.By)
		}))
	}
}
