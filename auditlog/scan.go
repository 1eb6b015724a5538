package auditlog

import (
	"context"
	"runtime"
)

// Aggregator is what Scan runs one of on each worker: a sink that
// declares the event fields it reads and merges another aggregator of its
// own type (T is that type: *aggregate.Count for an aggregate.Count). The
// aggregate package's aggregators, its Set of several, and the findings
// package's Detectors are Aggregators.
type Aggregator[T any] interface {
	Sink
	// Fields is the set of event fields Add reads.
	Fields() Fields
	// Merge adds the counts of o, built the same way, to the receiver.
	// It may move what o holds and leave o empty: o is not read after.
	Merge(o T)
}

// An aggregator that also has a method LaterFields() Fields reads those
// of its Fields only through Entry.Fill, for the few entries that need
// them: Scan lets the reader leave them undecoded until then
// (Options.Later).

// Scan reads sources on every core and returns what they add up to: it
// makes one aggregator per worker with newAggregator (opts.Workers of
// them, 0 for one per core), feeds each the entries its worker decodes
// and opts.Keep keeps, merges them into the first and returns it, with
// the Report of what was read and what could not be. Only the fields the
// aggregator and opts.Keep declare are decoded (with opts.Fields, when
// set). By default the entries are requests, each counted once (see
// Options.EveryStage and Options.EveryCopy).
//
// Files are read by as many goroutines as there are workers, each cutting
// its file into blocks of whole lines that any worker decodes, so one
// large file keeps every worker busy; a file is opened only when a
// goroutine starts reading it, so that no more files are open at once
// than there are workers. Memory is bounded by the number of workers and
// the block size, whatever the input, and by what the aggregators keep:
// the blocks are reused once decoded, so the strings of an entry's event
// are valid only until Add returns (see Sink).
//
// Lines and files that cannot be read do not fail Scan: they are counted
// in the Report. When ctx is done, the readers stop and Scan returns what
// was read and counted so far, with ctx's error.
func Scan[A Aggregator[A]](ctx context.Context, sources []Source, opts Options, newAggregator func() A) (A, *Report, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	all := make([]A, workers)
	sinks := make([]Sink, workers)
	for i := range all {
		all[i] = newAggregator()
		sinks[i] = all[i]
	}
	if l, ok := any(all[0]).(interface{ LaterFields() Fields }); ok {
		opts.Later |= l.LaterFields()
	}
	if opts.Fields != 0 || all[0].Fields() != 0 {
		opts.Fields |= all[0].Fields()
	} else {
		// Neither asks for a field: every field is decoded anyway, since
		// 0 means FieldsAll; decode the least there is instead.
		opts.Fields = FieldAuditID
	}
	r := NewReader(sources, opts)
	err := r.scan(ctx, sinks)
	for _, a := range all[1:] {
		all[0].Merge(a)
	}
	return all[0], r.Report(), err
}
