package filter

import (
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// Window returns a filter that keeps requests received in [since, until):
// at or after since and strictly before until. A zero since or until leaves
// that side open. Events without a requestReceivedTimestamp have the zero
// time and are kept only when since is zero. It prints as --since=RFC3339
// --until=RFC3339 (the side left open is not printed).
func Window(since, until time.Time) Filter { return &windowFilter{since: since, until: until} }

type windowFilter struct{ since, until time.Time }

func (f *windowFilter) Match(e *auditlog.Entry) bool {
	t := e.Event.RequestReceivedTimestamp.Time
	if !f.since.IsZero() && t.Before(f.since) {
		return false
	}
	return f.until.IsZero() || t.Before(f.until)
}

func (f *windowFilter) Fields() auditlog.Fields { return auditlog.FieldRequestReceivedTimestamp }

func (f *windowFilter) String() string {
	var parts []string
	if !f.since.IsZero() {
		parts = append(parts, "--since="+formatTime(f.since))
	}
	if !f.until.IsZero() {
		parts = append(parts, "--until="+formatTime(f.until))
	}
	return strings.Join(parts, " ")
}

// TimeSpec is a point in time as the time flags (--since, --until, --before,
// --after, --window) take it:
//
//   - an RFC 3339 time, "2022-02-07T22:15:00Z" or with an offset
//     ("+01:00"), with fractional seconds or not;
//   - the same without a zone ("2022-02-07T22:15:00", "2022-02-07 22:15",
//     seconds optional), which is UTC, as every output is;
//   - a date alone ("2022-02-07"), midnight UTC;
//   - "+" and a Go duration ("+10m", "+1h30m"): that long after the first
//     event of the input;
//   - "-" and a Go duration ("-10m"): that long before the last event, so
//     --since=-10m keeps the last ten minutes of the log.
//
// An offset is resolved once the input's first and last events are known.
type TimeSpec struct {
	// Time is the absolute time; zero for an offset.
	Time time.Time
	// Offset is the distance from the first event (FromFirst) or back from
	// the last (FromLast), never negative.
	Offset time.Duration
	// Anchor says what Offset counts from.
	Anchor Anchor
}

// Anchor is what a TimeSpec counts from.
type Anchor int

const (
	// Absolute is a time of its own: TimeSpec.Time.
	Absolute Anchor = iota
	// FromFirst counts Offset from the first event of the input.
	FromFirst
	// FromLast counts Offset back from the last event of the input.
	FromLast
)

// timeForms names the forms a TimeSpec takes, for error messages.
const timeForms = `a time such as 2022-02-07T22:15:00Z (RFC 3339; without a zone it is UTC), a date (2022-02-07), +10m (after the first event) or -10m (before the last)`

// zonelessLayouts are the layouts of a time without a zone, read as UTC.
var zonelessLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseTimeSpec parses a time in one of the forms of TimeSpec. flag names
// the flag in the error, a *FlagError that lists the forms.
func ParseTimeSpec(flag, s string) (TimeSpec, error) {
	fail := func(err error) (TimeSpec, error) {
		return TimeSpec{}, &FlagError{Flag: flag, Value: s, Expected: timeForms, Err: err}
	}
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		d, err := time.ParseDuration(s[1:])
		if err != nil {
			return fail(nil)
		}
		if d < 0 || strings.HasPrefix(s[1:], "+") {
			return fail(nil)
		}
		anchor := FromFirst
		if s[0] == '-' {
			anchor = FromLast
		}
		return TimeSpec{Offset: d, Anchor: anchor}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return TimeSpec{Time: t}, nil
	}
	for _, layout := range zonelessLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return TimeSpec{Time: t}, nil
		}
	}
	return fail(nil)
}

// Relative reports whether the spec counts from the first or last event.
func (s TimeSpec) Relative() bool { return s.Anchor != Absolute }

// Resolve returns the time the spec stands for, given the times of the
// first and last events of the input (the earliest and latest
// requestReceivedTimestamp).
func (s TimeSpec) Resolve(first, last time.Time) time.Time {
	switch s.Anchor {
	case FromFirst:
		return first.Add(s.Offset)
	case FromLast:
		return last.Add(-s.Offset)
	}
	return s.Time
}

// String prints the spec in a form ParseTimeSpec reads back.
func (s TimeSpec) String() string {
	switch s.Anchor {
	case FromFirst:
		return "+" + s.Offset.String()
	case FromLast:
		return "-" + s.Offset.String()
	}
	return formatTime(s.Time)
}
