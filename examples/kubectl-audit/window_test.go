package main

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestCeilTime(t *testing.T) {
	base := time.Date(2022, 2, 7, 23, 15, 16, 841504000, time.UTC)
	for _, tc := range []struct {
		t     time.Time
		width time.Duration
		want  time.Time
	}{
		{base, 10 * time.Minute, time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{base, time.Second, time.Date(2022, 2, 7, 23, 15, 17, 0, time.UTC)},
		{time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC), 10 * time.Minute, time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{base.In(time.FixedZone("X", 3600)), time.Hour, time.Date(2022, 2, 8, 0, 0, 0, 0, time.UTC)},
		{time.Date(1969, 12, 31, 23, 59, 30, 0, time.UTC), time.Minute, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{base, 7 * time.Minute, time.Unix(0, 0).Add(time.Duration(base.Unix()/420+1) * 7 * time.Minute).UTC()},
	} {
		if got := ceilTime(tc.t, tc.width); !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ceilTime(%s, %v) = %s, want %s", tc.t, tc.width, got, tc.want)
		}
	}
}

// TestWindowRelativeMatchesAbsolute: offsets from the first event and RFC
// 3339 times that round up to the same buckets give the same answer.
func TestWindowRelativeMatchesAbsolute(t *testing.T) {
	args := []string{"-f", mustGather, "-o", "histogram=5", "--bucket=10m", "--by=user"}
	rel := runCmd(t, append(args, "--window=+60m,+100m")...)
	abs := runCmd(t, append(args, "--window=2022-02-07T23:15:00Z,2022-02-07T23:55:00Z")...)
	if rel.code != 0 || abs.code != 0 {
		t.Fatalf("exit %d and %d: %s %s", rel.code, abs.code, rel.stderr, abs.stderr)
	}
	if !bytes.Equal(rel.stdout, abs.stdout) {
		t.Errorf("--window=+60m,+100m and the same buckets in RFC 3339 differ:\n%s\n---\n%s", rel.stdout, abs.stdout)
	}
	if !bytes.Contains(rel.stdout, []byte("from 2022-02-07T23:20:00Z to 2022-02-08T00:00:00Z")) {
		t.Errorf("window not printed as its buckets:\n%s", rel.stdout)
	}
}

// FuzzParseWindow: parseWindow never panics, fails only with a usage
// error, and a window it accepts has two sides in order once resolved.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"+10m,+40m", "2022-02-07T23:20:00Z,2022-02-07T23:50:00Z", "+20m,+10m", "+1m",
		",", "+1m,+2m,+3m", "noon,+2m", "+1h,2022-02-07T23:50:00+01:00", " +1m , +2m "} {
		f.Add(s)
	}
	first := time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		w, err := parseWindow(s)
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) || w != nil {
				t.Fatalf("parseWindow(%q) = %v, %v; want a usage error alone", s, w, err)
			}
			return
		}
		from, to, err := w.resolve(first)
		if err != nil {
			if w.from.Relative == w.to.Relative {
				t.Fatalf("parseWindow(%q) accepted a window that does not resolve: %v", s, err)
			}
			return
		}
		if !from.Before(to) {
			t.Fatalf("parseWindow(%q): window %s to %s", s, from, to)
		}
	})
}
