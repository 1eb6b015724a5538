package filter

import (
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

const latencyFields = auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp

// MaxLatency returns a filter that keeps requests whose latency
// (stageTimestamp - requestReceivedTimestamp, Entry.Latency) is at most d:
// the reference's --duration, whose help text says the opposite of what it
// does (its defect 9; this is what it does). An event missing either
// timestamp has an unknown latency and is not kept (the reference took it
// for 0s and kept it). It prints as --duration=D.
func MaxLatency(d time.Duration) Filter { return &maxLatencyFilter{d: d} }

type maxLatencyFilter struct{ d time.Duration }

func (f *maxLatencyFilter) Match(e *auditlog.Entry) bool {
	d, ok := e.Latency()
	return ok && d <= f.d
}

func (f *maxLatencyFilter) Fields() auditlog.Fields { return latencyFields }

func (f *maxLatencyFilter) String() string { return "--duration=" + f.d.String() }

// MinLatency returns a filter that keeps slow requests: those whose latency
// is at least d, the mirror of MaxLatency. An event missing either timestamp
// has an unknown latency and is not kept. It prints as --min-latency=D.
func MinLatency(d time.Duration) Filter { return &minLatencyFilter{d: d} }

type minLatencyFilter struct{ d time.Duration }

func (f *minLatencyFilter) Match(e *auditlog.Entry) bool {
	d, ok := e.Latency()
	return ok && d >= f.d
}

func (f *minLatencyFilter) Fields() auditlog.Fields { return latencyFields }

func (f *minLatencyFilter) String() string { return "--min-latency=" + f.d.String() }
