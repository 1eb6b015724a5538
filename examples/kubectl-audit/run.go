package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/format"
	"github.com/auditlens/auditlens/query"
)

// run runs the query of the options and writes the answer on stdout; on
// stderr, after it, a listing's summary line and the read report. Input
// that held no audit event at all is an error (exit status 1).
func (o *options) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return o.answer(ctx, args, stdout, stderr, query.Query.Run)
}

// runExport exports the events the filters keep (see query.Query.Export),
// says what it wrote on stdout and what it read on stderr.
func (o *options) runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return o.answer(ctx, args, stdout, stderr, func(q query.Query, ctx context.Context) (*query.Result, error) {
		opts := o.export
		opts.Tool = version()
		opts.Notify = func(msg string) { fmt.Fprintln(stderr, format.Sanitize(msg)) }
		return q.Export(ctx, o.exportTo, opts)
	})
}

// answer runs ask on the query of the options and the paths of args, with
// a progress bar, writes its result on stdout and its report on stderr.
func (o *options) answer(ctx context.Context, args []string, stdout, stderr io.Writer, ask func(query.Query, context.Context) (*query.Result, error)) error {
	q := o.query
	paths, err := filter.SplitValues("filename", q.Paths)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	q.Paths = append(paths, args...)
	if o.verbose {
		q.Samples, q.Verbose = auditlog.AllSamples, true
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
	if o.memProfile != "" {
		runtime.MemProfileRate = 4 << 10
		defer writeAllocs(o.memProfile, stderr)
	}
	bar := &progress{stderr: stderr}
	q.Progress = bar.start
	res, err := ask(q, ctx)
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, w)
		}
	}
	if err == nil {
		listing.Store(res.IsListing())
		err = res.Write(stdout)
	}
	bar.done()
	if ctx.Err() != nil {
		return o.interrupted(ctx, res, stderr)
	}
	if err != nil {
		return err
	}
	if err := res.WriteReport(stderr, o.verbose); err != nil {
		return err
	}
	// Exports read, the baseline's as the input's, are checked against
	// their manifests.
	checks, baseChecks := checkExports(q.Paths), checkExports(q.Baseline.Paths)
	if err := writeChecks(stderr, res, checks, baseChecks); err != nil {
		return err
	}
	return verdict(res, append(checks, baseChecks...), o.allowPartial)
}

// interrupted says on stderr that the run was stopped, and what had been
// read and kept by then (res is nil when it stopped before reading), and
// returns the context's error.
func (o *options) interrupted(ctx context.Context, res *query.Result, stderr io.Writer) error {
	if res == nil || res.Report == nil {
		fmt.Fprintf(stderr, "interrupted by %v before any answer.\n", context.Cause(ctx))
		return ctx.Err()
	}
	fmt.Fprintf(stderr, "interrupted by %v: %d events read, %d kept, before it stopped.\n",
		context.Cause(ctx), res.Report.Events, res.Summary.Count)
	if err := format.WriteReadReport(stderr, res.Report, o.verbose); err != nil {
		return err
	}
	return ctx.Err()
}

// writeAllocs writes the profile of the run's allocations to path, and
// says on stderr why it could not.
func writeAllocs(path string, stderr io.Writer) {
	runtime.GC() // the profile holds what was allocated up to the last collection
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "memprofile:", err)
	}
}
