package findings

import (
	"github.com/auditlens/auditlens/auditlog"
)

// Detectors runs every detector over one stream of entries: an
// auditlog.Sink for one worker of a Scan, merged with the others' when
// the Scan is done, like the aggregate package's sinks. Each entry is
// looked at once for all detectors.
type Detectors struct {
	base
	denied     *DeniedStorm
	hotLoop    *HotLoop
	watches    *WatchChurn
	lists      *Lists
	writes     *WriteChurn
	errors     *ErrorStorm
	slow       *SlowLayers
	late       *LateRequests
	deprecated *DeprecatedAPIs
	security   *Security
}

// New returns every detector, empty, with opts (zero fields take their
// defaults).
func New(opts Options) *Detectors {
	return &Detectors{
		base:       newBase(opts),
		denied:     NewDeniedStorm(opts),
		hotLoop:    NewHotLoop(opts),
		watches:    NewWatchChurn(opts),
		lists:      NewLists(opts),
		writes:     NewWriteChurn(opts),
		errors:     NewErrorStorm(opts),
		slow:       NewSlowLayers(opts),
		late:       NewLateRequests(opts),
		deprecated: NewDeprecatedAPIs(opts),
		security:   NewSecurity(opts),
	}
}

// Fields is the set of event fields the detectors read.
func (d *Detectors) Fields() auditlog.Fields {
	return d.denied.Fields() | d.hotLoop.Fields() | d.watches.Fields() | d.lists.Fields() | d.writes.Fields() |
		d.errors.Fields() | d.slow.Fields() | d.late.Fields() | d.deprecated.Fields() | d.security.Fields()
}

// Add counts e in every detector. Only the last event of a request
// (stage ResponseComplete or Panic) counts, so that each request counts
// once whatever stages the input holds. The requests and their time span
// are counted here, once, and handed to the detectors by Result.
func (d *Detectors) Add(e *auditlog.Entry) {
	var f facts
	f.init(e)
	if !f.final {
		return
	}
	d.see(&f)
	d.denied.count(&f)
	d.hotLoop.count(&f)
	d.watches.count(&f)
	d.lists.count(&f)
	d.writes.count(&f)
	d.errors.count(&f)
	d.slow.count(&f)
	d.late.count(&f)
	d.deprecated.count(&f)
	d.security.count(&f)
}

// Merge adds the counts of o, built with the same options, to d. o is not
// changed.
func (d *Detectors) Merge(o *Detectors) {
	d.mergeBase(&o.base)
	d.denied.Merge(o.denied)
	d.hotLoop.Merge(o.hotLoop)
	d.watches.Merge(o.watches)
	d.lists.Merge(o.lists)
	d.writes.Merge(o.writes)
	d.errors.Merge(o.errors)
	d.slow.Merge(o.slow)
	d.late.Merge(o.late)
	d.deprecated.Merge(o.deprecated)
	d.security.Merge(o.security)
}

// Result returns every finding, by severity then magnitude.
func (d *Detectors) Result() Result {
	res := Result{Requests: d.requests, Findings: []Finding{}}
	res.First, res.Last = d.span.times()
	for _, det := range []interface {
		Result() []Finding
		dropped() int64
		counted() *base
	}{d.denied, d.hotLoop, d.watches, d.lists, d.writes, d.errors, d.slow, d.late, d.deprecated, d.security} {
		// The detectors saw the requests d counted once for all.
		b := det.counted()
		b.requests, b.span = d.requests, d.span
		res.Findings = append(res.Findings, det.Result()...)
		if n := det.dropped(); n > 0 {
			res.Dropped = append(res.Dropped, Dropped{Detector: detectorName(det), Requests: n, Why: DroppedTableFull})
		}
		if o, ok := det.(interface{ letGo() (int64, int64) }); ok {
			if n, atMost := o.letGo(); n > 0 {
				res.Dropped = append(res.Dropped, Dropped{Detector: detectorName(det), Requests: n, Why: DroppedLetGo, AtMost: atMost})
			}
		}
	}
	sortFindings(res.Findings)
	return res
}

// detectorName names a detector in Result.Dropped.
func detectorName(det any) string {
	switch det.(type) {
	case *DeniedStorm:
		return "denied-storm"
	case *HotLoop:
		return "hot-loop"
	case *WatchChurn:
		return "watch-churn"
	case *Lists:
		return "lists"
	case *WriteChurn:
		return "write-churn"
	case *ErrorStorm:
		return "error-storm"
	case *SlowLayers:
		return "slow-layers"
	case *LateRequests:
		return "late-requests"
	case *DeprecatedAPIs:
		return "deprecated-apis"
	case *Security:
		return "security"
	}
	return ""
}
