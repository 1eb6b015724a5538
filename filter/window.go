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

// TimeSpec is a point in time as --since and --until take it: an RFC 3339
// time ("2022-02-07T22:15:00Z"), or an offset from the first event ("+10m",
// "+1h30m"), resolved once the first event's time is known.
type TimeSpec struct {
	// Time is the absolute time; zero for an offset.
	Time time.Time
	// Offset is the offset from the first event, when Relative.
	Offset time.Duration
	// Relative says the spec is an offset from the first event.
	Relative bool
}

// ParseTimeSpec parses an RFC 3339 time or "+" followed by a Go duration
// (an offset from the first event, not negative). flag names the flag in the
// error.
func ParseTimeSpec(flag, s string) (TimeSpec, error) {
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return TimeSpec{}, &FlagError{Flag: flag, Value: s, Expected: `an RFC 3339 time (2006-01-02T15:04:05Z07:00) or "+" and a duration from the first event (+10m)`, Err: err}
		}
		return TimeSpec{Offset: d, Relative: true}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return TimeSpec{}, &FlagError{Flag: flag, Value: s, Expected: `an RFC 3339 time (2006-01-02T15:04:05Z07:00) or "+" and a duration from the first event (+10m)`, Err: err}
	}
	return TimeSpec{Time: t}, nil
}

// Resolve returns the time the spec stands for, given the time of the first
// event (the earliest requestReceivedTimestamp of the input).
func (s TimeSpec) Resolve(first time.Time) time.Time {
	if s.Relative {
		return first.Add(s.Offset)
	}
	return s.Time
}

// String prints the spec as it is parsed.
func (s TimeSpec) String() string {
	if s.Relative {
		return "+" + s.Offset.String()
	}
	return formatTime(s.Time)
}
