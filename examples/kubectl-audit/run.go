package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/format"
)

// run checks the options, reads the input and writes the answer.
func (o *options) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	v, err := parseView(o.output, o.format)
	if err != nil {
		return err
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if o.workers < 0 {
		return usageErrorf("invalid --workers value %d: expected 0 (one per core) or more", o.workers)
	}
	if o.workers == 0 {
		o.workers = runtime.GOMAXPROCS(0)
	}
	pl, err := o.plan(v)
	if err != nil {
		return err
	}
	// A bad filter value is a usage error; check it before reading anything.
	if _, err := o.buildFilter(time.Unix(1, 0)); err != nil {
		return err
	}
	sources, err := o.inputs(args)
	if err != nil {
		return err
	}
	var first time.Time
	if o.filters.NeedsFirst() || pl.window.relative() {
		if first, err = o.firstEvent(ctx, sources); err != nil {
			return err
		}
	}
	if pl.window != nil {
		if pl.from, pl.to, err = pl.window.resolve(first); err != nil {
			return err
		}
		if pl.from, pl.to, err = pl.window.snap(pl.from, pl.to, pl.bucket); err != nil {
			return err
		}
	}
	f, err := o.buildFilter(first)
	if err != nil {
		return err
	}
	prog := newProgress(stderr, sources)
	var (
		rep *auditlog.Report
		sum aggregate.SummaryResult
	)
	if v.isListing() {
		rep, sum, err = o.list(v, f, sources, stdout, prog)
		prog.done()
		if err != nil {
			return err
		}
		if err := format.WriteSummary(stderr, sum); err != nil {
			return err
		}
	} else {
		var res *results
		res, rep, err = o.aggregate(ctx, pl, f, sources, prog)
		prog.done()
		if err != nil {
			return err
		}
		sum = res.summary.Result()
		if err := o.write(stdout, v, pl, f, res, sum, rep); err != nil {
			return err
		}
	}
	if sum.Count == 0 {
		fmt.Fprintf(stderr, "No events matched the filters (%d events read).\n", rep.Events)
	}
	return format.WriteReadReport(stderr, rep, o.verbose)
}

// buildFilter builds the filter of the flags; first is the time of the
// first event, for --since and --until offsets.
func (o *options) buildFilter(first time.Time) (filter.Filter, error) {
	fl := o.filters
	fl.First = first
	f, err := fl.Build()
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	return f, nil
}

// firstEvent reads the input once, decoding only the time of each event,
// to find the first (for --since=+D and --until=+D).
func (o *options) firstEvent(ctx context.Context, sources []auditlog.Source) (time.Time, error) {
	sums := make([]*aggregate.Summary, o.workers)
	sinks := make([]auditlog.Sink, o.workers)
	for i := range sums {
		sums[i] = aggregate.NewSummary()
		sinks[i] = sums[i]
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: auditlog.FieldRequestReceivedTimestamp})
	if err := r.Scan(ctx, sinks); err != nil {
		return time.Time{}, err
	}
	for _, s := range sums[1:] {
		sums[0].Merge(s)
	}
	res := sums[0].Result()
	if res.Count == 0 {
		return time.Time{}, errors.New("no events in the input to count --since, --until or --window from")
	}
	return res.First, nil
}

// list writes the events that pass f one by one, in time order, and
// returns the read report and the summary of what was listed. The reader
// applies f in its own goroutines, before putting events in order.
func (o *options) list(v view, f filter.Filter, sources []auditlog.Source, stdout io.Writer, prog *progress) (*auditlog.Report, aggregate.SummaryResult, error) {
	style := format.ListDefault
	fields := auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp | auditlog.FieldVerb |
		auditlog.FieldResponseCode | auditlog.FieldRequestURI | auditlog.FieldUser
	switch v.kind {
	case viewWide:
		style = format.ListWide
		fields |= auditlog.FieldAuditID
	case viewJSON:
		style = format.ListJSON
		fields = auditlog.FieldsAll
	}
	sum := aggregate.NewSummary()
	fields |= f.Fields() | sum.Fields()
	r := auditlog.NewReader(sources, auditlog.Options{Fields: fields, Keep: f.Match, Progress: prog.hook()})
	l := format.NewListing(stdout, style)
	for e := range entries(r) {
		sum.Add(e)
		if err := l.Write(e); err != nil {
			return nil, aggregate.SummaryResult{}, err
		}
	}
	if err := l.Flush(); err != nil {
		return nil, aggregate.SummaryResult{}, err
	}
	return r.Report(), sum.Result(), nil
}
