package filter

import (
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// Before returns a filter that keeps requests received strictly before t
// (requestReceivedTimestamp < t). An event without a
// requestReceivedTimestamp (v1beta1 events decoded as v1) has the zero time,
// which is before every t, as in the reference. It prints as
// --before=RFC3339.
func Before(t time.Time) Filter { return &beforeFilter{t: t} }

type beforeFilter struct{ t time.Time }

func (f *beforeFilter) Match(e *auditlog.Entry) bool {
	return e.Event.RequestReceivedTimestamp.Time.Before(f.t)
}

func (f *beforeFilter) Fields() auditlog.Fields { return auditlog.FieldRequestReceivedTimestamp }

func (f *beforeFilter) String() string { return "--before=" + formatTime(f.t) }

// After returns a filter that keeps requests received strictly after t
// (requestReceivedTimestamp > t). It prints as --after=RFC3339.
func After(t time.Time) Filter { return &afterFilter{t: t} }

type afterFilter struct{ t time.Time }

func (f *afterFilter) Match(e *auditlog.Entry) bool {
	return e.Event.RequestReceivedTimestamp.Time.After(f.t)
}

func (f *afterFilter) Fields() auditlog.Fields { return auditlog.FieldRequestReceivedTimestamp }

func (f *afterFilter) String() string { return "--after=" + formatTime(f.t) }

// formatTime prints t in RFC 3339 with as many fractional digits as it has.
func formatTime(t time.Time) string { return t.Format(time.RFC3339Nano) }
