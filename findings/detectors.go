package findings

import (
	"cmp"
	"math"
	"slices"

	"github.com/auditlens/auditlens/auditlog"
)

// detector is one kind of finding: it counts the requests it cares about
// and, once every request is counted, says what it found. Each detector
// is one file that registers its constructor in an init; Detectors runs
// every registered one.
type detector interface {
	// name names the detector in Result.Dropped: "denied-storm", or the
	// findings that read its tables ("hot-loop and write-churn")...
	name() string
	// fields is the set of event fields the detector reads.
	fields() auditlog.Fields
	// count counts one request, the last event of it.
	count(f *facts)
	// merge adds the counts of o, a detector of the same kind built with
	// the same options, to the detector. o is not changed.
	merge(o detector)
	// result returns the findings, finished (see finish).
	result() []Finding
	// dropped is the number of requests a table full of keys did not count.
	dropped() int64
}

// letGoer is a detector whose per-object table lets objects go: letGo is
// the number of requests of the objects let go, and the most an object
// without a row may have had.
type letGoer interface {
	letGo() (requests, atMost int64)
}

// laterReader is a detector that reads some of its fields only for the
// few requests that need them, through facts.fill: later is that part of
// its fields, which the reader may leave undecoded until then (of
// auditlog.FieldsLater).
type laterReader interface {
	later() auditlog.Fields
}

// registry holds the constructor of every detector, in the order their
// files' init functions ran. A constructor returns an empty detector
// that reads its options from b and the requests counted once for all
// from b when its result is asked for.
var registry []func(b *base) detector

// register adds a detector's constructor to the registry.
func register(newDetector func(b *base) detector) {
	registry = append(registry, newDetector)
}

// Detectors runs every detector over one stream of entries: an
// auditlog.Sink for one worker of a Scan, merged with the others' when
// the Scan is done, like the aggregate package's sinks. Each entry is
// looked at once for all detectors.
type Detectors struct {
	base *base
	list []detector
	// batch is the facts of the entries being added (a batch, or one
	// entry), kept here with their arrays from one batch to the next, so
	// that handing them to the detectors (through the interface) does not
	// move them to the heap for each entry.
	batch []facts
}

// New returns every detector, empty, with opts (zero fields take their
// defaults).
func New(opts Options) *Detectors {
	b := newBase(opts)
	d := &Detectors{base: &b, list: make([]detector, len(registry))}
	for i, newDetector := range registry {
		d.list[i] = newDetector(d.base)
	}
	return d
}

// Fields is the set of event fields the detectors read.
func (d *Detectors) Fields() auditlog.Fields {
	var fs auditlog.Fields
	for _, det := range d.list {
		fs |= det.fields()
	}
	return fs
}

// LaterFields is the part of Fields that the detectors read only through
// Entry.Fill, for the few requests that need them: the fields of
// auditlog.FieldsLater that no detector reads for every request.
func (d *Detectors) LaterFields() auditlog.Fields {
	var later, now auditlog.Fields
	for _, det := range d.list {
		l := auditlog.Fields(0)
		if r, ok := det.(laterReader); ok {
			l = r.later()
		}
		later |= l
		now |= det.fields() &^ l
	}
	return later & auditlog.FieldsLater &^ now
}

// Add counts e in every detector. Only the last event of a request
// (stage ResponseComplete or Panic) counts, so that each request counts
// once whatever stages the input holds. The requests and their time span
// are counted here, once for all detectors.
func (d *Detectors) Add(e *auditlog.Entry) {
	one := [1]*auditlog.Entry{e}
	d.AddBatch(one[:])
}

// AddBatch counts entries as Add counts each, a detector at a time: each
// detector counts the whole batch while its tables are in the processor's
// caches (auditlog.BatchSink). The facts of each entry are worked out
// once, for all detectors.
func (d *Detectors) AddBatch(entries []*auditlog.Entry) {
	if n := len(entries) - len(d.batch); n > 0 {
		d.batch = append(d.batch, make([]facts, n)...)
	}
	held := d.batch[:0]
	for _, e := range entries {
		f := &d.batch[len(held)]
		f.init(e)
		if !f.final {
			continue
		}
		d.base.see(f)
		held = held[:len(held)+1]
	}
	for _, det := range d.list {
		for i := range held {
			det.count(&held[i])
		}
	}
	for i := range held {
		held[i].e = nil // the entry is not ours to keep
	}
}

// Merge adds the counts of o, built with the same options, to d. o is not
// changed.
func (d *Detectors) Merge(o *Detectors) {
	d.base.mergeBase(o.base)
	for i, det := range d.list {
		det.merge(o.list[i])
	}
}

// Result returns every finding, by severity then magnitude, and what the
// detectors did not count, by detector.
func (d *Detectors) Result() Result {
	res := Result{Requests: d.base.requests, Findings: []Finding{}}
	res.ServerSeconds = math.Round(float64(d.base.server)/1e6) / 1e3
	res.First, res.Last = d.base.span.times()
	for _, det := range d.list {
		res.Findings = append(res.Findings, det.result()...)
		if n := det.dropped(); n > 0 {
			res.Dropped = append(res.Dropped, Dropped{Detector: det.name(), Requests: n, Why: DroppedTableFull})
		}
		if o, ok := det.(letGoer); ok {
			if n, atMost := o.letGo(); n > 0 {
				res.Dropped = append(res.Dropped, Dropped{Detector: det.name(), Requests: n, Why: DroppedLetGo, AtMost: atMost})
			}
		}
	}
	sortFindings(res.Findings)
	slices.SortStableFunc(res.Dropped, func(a, b Dropped) int { return cmp.Compare(a.Detector, b.Detector) })
	return res
}
