package query

import (
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/filter"
)

// window is a parsed --window=FROM,TO of -o histogram.
type window struct {
	raw      string // as given, for error messages
	from, to filter.TimeSpec
}

// windowForms says what --window takes, for error messages.
const windowForms = "each a time such as 2022-02-07T23:20:00Z (no zone: UTC) or 2022-02-07, +10m after the first event or -10m before the last"

// parseWindow parses --window: two times in the forms of filter.TimeSpec,
// FROM before TO when both are of the same kind.
func parseWindow(s string) (*window, error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok || strings.Contains(b, ",") {
		return nil, errorf("window", "invalid --window value %q: expected FROM,TO, %s", s, windowForms)
	}
	from, err := filter.ParseTimeSpec("window", strings.TrimSpace(a))
	if err != nil {
		return nil, errorf("window", "invalid --window value %q: FROM must be %s", s, strings.TrimPrefix(windowForms, "each "))
	}
	to, err := filter.ParseTimeSpec("window", strings.TrimSpace(b))
	if err != nil {
		return nil, errorf("window", "invalid --window value %q: TO must be %s", s, strings.TrimPrefix(windowForms, "each "))
	}
	w := &window{raw: s, from: from, to: to}
	if from.Anchor == to.Anchor {
		// Comparable before the input is read.
		epoch := time.Unix(0, 0)
		if _, _, err := w.resolve(epoch, epoch); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// relative reports whether a side of the window counts from the first or
// last event.
func (w *window) relative() bool { return w != nil && (w.from.Relative() || w.to.Relative()) }

// resolve returns the window's bounds given the times of the first and
// last events.
func (w *window) resolve(first, last time.Time) (from, to time.Time, err error) {
	from, to = w.from.Resolve(first, last), w.to.Resolve(first, last)
	if !from.Before(to) {
		return from, to, errorf("window", "invalid --window value %q: FROM (%s) must be before TO (%s)", w.raw,
			from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
	}
	return from, to, nil
}

// check fails when no bucket of the given width starts in [from, to).
func (w *window) check(from, to time.Time, width time.Duration) error {
	if f, t := aggregate.AlignWindow(from, to, width); !f.Before(t) {
		return errorf("window", "invalid --window value %q: no %v bucket starts in it; widen it or give a smaller --bucket",
			w.raw, width)
	}
	return nil
}
