package aggregate

import "time"

// timeSpan is the first and last of a set of times; the zero span holds
// none.
type timeSpan struct {
	first, last time.Time
}

// add widens the span to hold [first, last], itself a span (first <= last).
func (s *timeSpan) add(first, last time.Time) {
	if s.first.IsZero() || first.Before(s.first) {
		s.first = first
	}
	if s.last.IsZero() || last.After(s.last) {
		s.last = last
	}
}
