package query

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseWindow: parseWindow never panics, fails only with an *Error
// about --window, and a window it accepts has two sides in order once
// resolved, whenever its sides count from the same anchor.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"+10m,+40m", "2022-02-07T23:20:00Z,2022-02-07T23:50:00Z", "+20m,+10m", "+1m",
		",", "+1m,+2m,+3m", "noon,+2m", "+1h,2022-02-07T23:50:00+01:00", " +1m , +2m ", "-30m,-10m",
		"-10m,-30m", "+1h,-1h", "2022-02-07,2022-02-08", "2022-02-07 23:20,2022-02-07 23:50"} {
		f.Add(s)
	}
	first := time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)
	last := first.Add(3 * time.Hour)
	f.Fuzz(func(t *testing.T, s string) {
		w, err := parseWindow(s)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || qe.Flag != "window" || w != nil {
				t.Fatalf("parseWindow(%q) = %v, %v; want an *Error about --window alone", s, w, err)
			}
			return
		}
		from, to, err := w.resolve(first, last)
		if err != nil {
			if w.from.Anchor == w.to.Anchor {
				t.Fatalf("parseWindow(%q) accepted a window that does not resolve: %v", s, err)
			}
			return
		}
		if !from.Before(to) {
			t.Fatalf("parseWindow(%q): window %s to %s", s, from, to)
		}
	})
}
