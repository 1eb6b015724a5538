package auditlog

import (
	"context"
	"errors"
	"iter"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Sink receives entries: those of one worker of a Scan (each worker has
// its own, so a sink needs no locks), or of All or Sorted. The entry, and the strings of its
// event, are valid only until Add returns: Scan reuses the memory they
// point into. Clone what you keep (Entry.Clone, strings.Clone); the
// aggregate package's sinks do.
type Sink interface {
	Add(e *Entry)
}

// BatchSink is a Sink that Scan may hand several entries at once, in the
// order read: the lines of a block, up to a few dozen at a time. Each
// entry has memory of its own (its Event, its Request), and every entry
// and the strings of its event are valid until AddBatch returns, so that a
// sink of several aggregators can run each over the batch in turn, its
// tables staying in the processor's caches for the batch rather than
// leaving them for the next aggregator's at every entry. Scan hands the
// entries it cannot batch (those of wrappers and of Parquet row groups)
// to Add, one at a time and in order with the batches.
type BatchSink interface {
	Sink
	AddBatch(entries []*Entry)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(e *Entry)

// Add calls f(e).
func (f SinkFunc) Add(e *Entry) { f(e) }

// DefaultMaxLineBytes is the default longest line a Reader reads.
const DefaultMaxLineBytes = 64 << 20

// Options says what a Reader reads and how.
type Options struct {
	// Fields is the set of event fields to decode; 0 means FieldsAll.
	// Entries read from JSON always have AuditID and Kind set as well,
	// which the reader needs to tell events from other JSON; entries read
	// from Parquet have only the fields asked for.
	Fields Fields
	// MaxLineBytes is the longest line read; longer ones are counted as
	// TooLong and skipped. 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// Keep, when not nil, is asked of every event, in the goroutine that
	// decoded it, before the event is handed on; the events it rejects are
	// dropped. The fields it declares are decoded whatever Fields says, so
	// that a filter never sees an empty field it reads (a FilterFunc, which
	// declares none, gets every field). It is called from several
	// goroutines at once (a filter.Filter will do). A sink can filter as
	// well, but for Sorted, Keep saves holding back and ordering what is
	// dropped anyway.
	Keep Filter
	// EveryStage reads every stage of a request as an event of its own
	// (RequestReceived, ResponseStarted, ResponseComplete, Panic). By
	// default a Reader reads requests: the ResponseComplete event of each,
	// the one the API server writes once the response is complete, as
	// kubectl-audit does, so that each request counts once.
	EveryStage bool
	// Since and Until, when not zero, say that only entries received in
	// [Since, Until) are wanted, so that input known to hold none may be
	// skipped unread: the row groups of a Parquet source whose statistics
	// put them outside. They are a hint, not a filter: Keep (or the sink)
	// must still reject what is outside.
	Since, Until time.Time
	// Samples is how many samples of each kind of problem the Report
	// keeps, the first in source and line order: 0 means MaxSamples (5),
	// AllSamples keeps every one (up to 10,000 of each kind), for a
	// verbose report.
	Samples int
	// Progress, when not nil, is called as input is read with the number
	// of bytes of files (compressed or not) read since its last call. It is
	// called from several goroutines at once during a Scan or Sorted.
	Progress func(n int64)
	// EveryCopy reads both copies of a request that kube-apiserver proxied
	// to an aggregated API server (openshift-apiserver, oauth-apiserver),
	// each of which logs it under the same auditID. By default, when the
	// sources hold both kinds of server's log, as a must-gather root does,
	// each request counts once: an aggregated server's event whose auditID
	// an event of kube-apiserver had (one Keep accepted) is dropped, and
	// counted in the Report as Repeated. The aggregated servers' sources
	// are then read after all the others (and Sorted reads
	// kube-apiserver's twice); see countOnce for which copy wins, why, and
	// the memory it takes.
	EveryCopy bool
	// Workers is how many goroutines Scan reads and counts with; 0 is one
	// per core (GOMAXPROCS). All and Sorted do not use it.
	Workers int
	// Later are fields of Fields that the sinks read only through
	// Entry.Fill, for the few entries that need them: a reader of JSON
	// text may leave them undecoded until then (of FieldsLater; the
	// others, and every field a Keep reads, are decoded as usual). An
	// entry that is kept past its Add must be filled first (Clone does).
	Later Fields

	once *countOnce // set by NewReader unless EveryCopy, for the decoders

	asked Fields // Fields as asked, before the reader adds what it needs
}

// later returns the fields a decoder of JSON text leaves for Fill.
func (o Options) later() Fields {
	l := o.Later & FieldsLater & o.Fields
	if o.Keep != nil {
		l &^= o.Keep.Fields()
	}
	return l
}

func (o Options) withDefaults() Options {
	if o.Fields == 0 {
		o.Fields = FieldsAll
	}
	if o.Keep != nil {
		o.Fields |= o.Keep.Fields()
	}
	if !o.EveryStage {
		o.Fields |= FieldStage
	}
	o.asked = o.Fields
	o.Fields |= FieldAuditID | FieldKind
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	return o
}

// Reader reads the events of a list of sources.
type Reader struct {
	sources []Source
	opts    Options
	report  Report
	once    *countOnce // unless EveryCopy, when both kinds of server are read
	// openOS opens a file; nil means os.Open. Tests replace it.
	openOS func(name string) (*os.File, error)
	// peakOpen and peakHeld are the most files the last read had open at
	// once, and the most memory Sorted held, for tests.
	peakOpen int
	peakHeld int64
}

// NewReader returns a reader of the sources, which it reads in order.
// Sources with a Skip reason are not read; they are listed in the Report.
func NewReader(sources []Source, opts Options) *Reader {
	r := &Reader{sources: sources, opts: opts.withDefaults()}
	if !opts.EveryCopy {
		if r.once = newCountOnce(sources); r.once != nil {
			r.opts.Fields |= FieldRequestURI
			r.opts.once = r.once
		}
	}
	return r
}

// Report returns what the last All, Scan or Sorted read.
func (r *Reader) Report() *Report { return &r.report }

// start resets the report and counts the skipped sources.
func (r *Reader) start() {
	r.report = newReport(r.opts.Samples)
	for i := range r.sources {
		if src := &r.sources[i]; src.Skip != "" {
			r.report.add(SkippedFile, Sample{File: src.Path, Detail: src.Skip, order: i})
		}
	}
}

// All returns an iterator over every entry of every source, in file and
// line order, read and decoded by the calling goroutine. Lines and files
// that cannot be read are counted in the Report and skipped, so reading
// never fails as a whole; to stop early, break out of the loop.
func (r *Reader) All() iter.Seq[*Entry] {
	return func(yield func(*Entry) bool) {
		r.start()
		ld := newLineDecoder(r.opts, &r.report, false)
		add := func(e *Entry) bool { return yield(e) }
		fds := newDescriptors(r.openOS)
		defer func() { r.peakOpen = fds.peakOpen() }()
		for _, i := range slices.Concat(r.phases()...) {
			src := &r.sources[i]
			if src.Skip != "" {
				continue
			}
			sp := splitter{src: src, order: i, maxLine: r.opts.MaxLineBytes, rep: &r.report, progress: r.opts.Progress, fds: fds}
			ok := sp.run(func(b *block) bool {
				defer putBlock(b)
				return ld.block(b, add)
			})
			if !ok {
				return
			}
		}
	}
}

// scan reads every source with len(sinks) workers, each handing its
// entries to its own sink, and returns when all input is read or ctx is
// done (then with ctx's error): see Scan.
func (r *Reader) scan(ctx context.Context, sinks []Sink) error {
	if len(sinks) == 0 {
		return errors.New("auditlog: Scan needs at least one sink")
	}
	r.start()
	for _, phase := range r.phases() {
		if err := r.scanSources(ctx, sinks, phase); err != nil {
			return err
		}
	}
	return nil
}

// scanSources is Scan of the sources at the given indices, adding to the
// report.
func (r *Reader) scanSources(ctx context.Context, sinks []Sink, indices []int) error {
	workers := len(sinks)
	// One block queued per decoder is enough to keep it busy: a longer
	// queue only held more buffers (with ISA-L, which inflates faster
	// than the decoders decode, it stayed full).
	blocks := make(chan *block, workers)
	// Buffers in flight: the channel's, and one or two per goroutine.
	bufs := newBuffers(4 * workers)
	reports := make([]Report, 2*workers)
	for i := range reports {
		reports[i] = newReport(r.opts.Samples)
	}
	fds := newDescriptors(r.openOS)
	var next atomic.Int64
	var readers, decoders sync.WaitGroup
	for w := range workers {
		readers.Add(1)
		go func(rep *Report) {
			defer readers.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(indices) || ctx.Err() != nil {
					return
				}
				i := indices[k]
				src := &r.sources[i]
				if src.Skip != "" {
					continue
				}
				sp := splitter{src: src, order: i, maxLine: r.opts.MaxLineBytes, rep: rep, bufs: bufs, progress: r.opts.Progress,
					fds: fds, done: ctx.Done()}
				ok := sp.run(func(b *block) bool {
					select {
					case blocks <- b:
						return true
					case <-ctx.Done():
						bufs.put(b)
						return false
					}
				})
				if !ok {
					return
				}
			}
		}(&reports[w])
		decoders.Add(1)
		go func(sink Sink, rep *Report) {
			defer decoders.Done()
			ld := newLineDecoder(r.opts, rep, false)
			if bs, ok := sink.(BatchSink); ok {
				ld.batchTo(bs)
			}
			add := func(e *Entry) bool { sink.Add(e); return true }
			for b := range blocks {
				if ctx.Err() == nil {
					ld.block(b, add)
				}
				// The batch's strings point into the block.
				ld.endBlock(b)
				bufs.put(b)
			}
		}(sinks[w], &reports[workers+w])
	}
	readers.Wait()
	close(blocks)
	decoders.Wait()
	r.peakOpen = fds.peakOpen()
	for i := range reports {
		r.report.Merge(&reports[i])
	}
	return ctx.Err()
}
