package main

import (
	"strings"
	"time"

	"github.com/auditlens/auditlens/filter"
)

// window is a parsed --window=FROM,TO of -o histogram.
type window struct {
	raw      string // as given, for error messages
	from, to filter.TimeSpec
}

// parseWindow parses --window: two times, each RFC 3339 or an offset from
// the first event (+10m), FROM before TO when both are of the same kind.
func parseWindow(s string) (*window, error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok || strings.Contains(b, ",") {
		return nil, usageErrorf("invalid --window value %q: expected FROM,TO, each an RFC 3339 time or an offset from the first event such as +10m", s)
	}
	from, err := filter.ParseTimeSpec("window", strings.TrimSpace(a))
	if err != nil {
		return nil, usageErrorf("invalid --window value %q: FROM must be an RFC 3339 time or an offset from the first event such as +10m", s)
	}
	to, err := filter.ParseTimeSpec("window", strings.TrimSpace(b))
	if err != nil {
		return nil, usageErrorf("invalid --window value %q: TO must be an RFC 3339 time or an offset from the first event such as +40m", s)
	}
	w := &window{raw: s, from: from, to: to}
	if from.Relative == to.Relative {
		if _, _, err := w.resolve(time.Unix(0, 0)); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// relative reports whether a side of the window is an offset from the
// first event.
func (w *window) relative() bool { return w != nil && (w.from.Relative || w.to.Relative) }

// resolve returns the window's bounds given the time of the first event.
func (w *window) resolve(first time.Time) (from, to time.Time, err error) {
	from, to = w.from.Resolve(first), w.to.Resolve(first)
	if !from.Before(to) {
		return from, to, usageErrorf("invalid --window value %q: FROM (%s) must be before TO (%s)", w.raw,
			from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
	}
	return from, to, nil
}

// snap returns the window [from, to) as the histogram sees it, in buckets
// of width aligned on the Unix epoch: a bucket is in the window when it
// starts in it, so the window runs from the first bucket start at or after
// from to the first at or after to. It fails when no bucket starts in the
// window.
func (w *window) snap(from, to time.Time, width time.Duration) (time.Time, time.Time, error) {
	f, t := ceilTime(from, width), ceilTime(to, width)
	if !f.Before(t) {
		return f, t, usageErrorf("invalid --window value %q: no %v bucket starts in it; widen it or give a smaller --bucket",
			w.raw, width)
	}
	return f, t, nil
}

// ceilTime is the first multiple of width since the Unix epoch at or
// after t, in UTC.
func ceilTime(t time.Time, width time.Duration) time.Time {
	r := time.Duration(t.UnixNano() % int64(width))
	if r < 0 {
		r += width
	}
	if r == 0 {
		return t.UTC()
	}
	return t.Add(width - r).UTC()
}
