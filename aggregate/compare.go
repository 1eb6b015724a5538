package aggregate

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// The kinds of change Compare reports.
const (
	ChangeNew    = "new"    // the key is in the subject alone
	ChangeGone   = "gone"   // the key is in the baseline alone
	ChangeGrown  = "grown"  // the key's rate grew
	ChangeShrunk = "shrunk" // the key's rate shrank
	ChangeErrors = "errors" // the share of the key's requests refused (401, 403) or failed (5xx) grew
)

// CompareOptions are the thresholds a change must pass to be reported, so
// that two healthy captures of one cluster compared with each other report
// nothing, or almost nothing. Zero fields take the defaults.
type CompareOptions struct {
	// MinPerHour is the least rate, in requests an hour, that the larger
	// side of a change must have (for an errors change, the subject's
	// refused and failed requests): 10 by default.
	MinPerHour float64 `json:"minPerHour"`
	// Z is the least score of a change in a two-sided test, 4 by default
	// (a chance of about 6 in 100,000 that noise alone scores that much).
	// Counts are tested as Poisson processes observed for each capture's
	// span: conditioned on a key's total, its subject count is binomial
	// with the subject's share of the time, under the hypothesis that its
	// rate did not change. Error shares are compared with the
	// two-proportion test.
	Z float64 `json:"z"`
	// MinRatio is the least factor between the two rates of a grown or
	// shrunk key, 1.5 by default: traffic is burstier than Poisson, and a
	// busy key is significant at a few percent.
	MinRatio float64 `json:"minRatio"`
	// MinShareChange is the least growth of a key's refused and failed
	// share for an errors change, 0.10 (ten points) by default.
	MinShareChange float64 `json:"minShareChange"`
	// ByServerTime orders the changes by the change in server time an hour
	// rather than in requests an hour.
	ByServerTime bool `json:"byServerTime"`
}

func (o CompareOptions) withDefaults() CompareOptions {
	if o.MinPerHour <= 0 {
		o.MinPerHour = 10
	}
	if o.Z <= 0 {
		o.Z = 4
	}
	if o.MinRatio <= 1 {
		o.MinRatio = 1.5
	}
	if o.MinShareChange <= 0 {
		o.MinShareChange = 0.10
	}
	return o
}

// Rates are one key in one capture, normalised to an hour of the
// capture's span.
type Rates struct {
	// Requests is the key's count; PerHour its rate.
	Requests int64   `json:"requests"`
	PerHour  float64 `json:"perHour"`
	// ServerSecondsPerHour is the key's server time (latency summed,
	// long-running requests left out) an hour.
	ServerSecondsPerHour float64 `json:"serverSecondsPerHour"`
	// ErrorShare is the share of its requests refused (401, 403) or failed
	// (5xx).
	ErrorShare float64 `json:"errorShare"`
	// P50 and P99 are its latency quantiles.
	P50 time.Duration `json:"p50"`
	P99 time.Duration `json:"p99"`
}

// KeyChange is a key whose traffic changed between the baseline and the
// subject beyond the thresholds.
type KeyChange struct {
	// Key is the key; Parts the parts of a composite key.
	Key   string   `json:"key"`
	Parts []string `json:"parts,omitempty"`
	// Change is new, gone, grown, shrunk or errors.
	Change string `json:"change"`
	// Baseline and Subject are the key's rates in each capture.
	Baseline Rates `json:"baseline"`
	Subject  Rates `json:"subject"`
	// Ratio is the subject's rate over the baseline's; 0 for new and gone
	// keys.
	Ratio float64 `json:"ratio,omitempty"`
	// Delta is the change in requests an hour; ServerDelta in server
	// seconds an hour.
	Delta       float64 `json:"delta"`
	ServerDelta float64 `json:"serverDelta"`
	// Z is the change's score in its test (of the rates, or of the error
	// shares for an errors change).
	Z float64 `json:"z"`
}

// Capture is one side of a comparison: its span and what it counted.
type Capture struct {
	First    time.Time     `json:"first"`
	Last     time.Time     `json:"last"`
	Span     time.Duration `json:"span"`
	Requests int64         `json:"requests"`
	PerHour  float64       `json:"perHour"`
}

// CompareResult is what changed between two captures, by key.
type CompareResult struct {
	// By is the key's name; Columns the names of its parts.
	By      string   `json:"by"`
	Columns []string `json:"columns"`
	// Baseline and Subject are the two captures.
	Baseline Capture `json:"baseline"`
	Subject  Capture `json:"subject"`
	// Rows are the changes: new and grown keys first, then keys whose
	// errors grew, then shrunk and gone keys; each group by the size of
	// the change (requests an hour, or server time with ByServerTime).
	Rows []KeyChange `json:"rows"`
	// Unchanged is the number of keys seen whose change passed no
	// threshold.
	Unchanged int `json:"unchanged"`
	// Thresholds are the options the changes passed.
	Thresholds CompareOptions `json:"thresholds"`
}

// minSpan is the least span a capture counts for, so that a capture of
// one event has a rate.
const minSpan = time.Minute

// NewCapture describes a capture of requests between first and last.
func NewCapture(first, last time.Time, requests int64) Capture {
	span := max(last.Sub(first), minSpan)
	return Capture{First: first, Last: last, Span: span, Requests: requests, PerHour: float64(requests) / span.Hours()}
}

// Compare compares the profiles of a baseline and a subject capture, by
// the same key, rate-normalised to each capture's span.
func Compare(base, subj ProfileResult, baseCapture, subjCapture Capture, opts CompareOptions) CompareResult {
	opts = opts.withDefaults()
	res := CompareResult{By: subj.By, Columns: subj.Columns, Baseline: baseCapture, Subject: subjCapture, Rows: []KeyChange{}, Thresholds: opts}
	hb, hs := baseCapture.Span.Hours(), subjCapture.Span.Hours()
	baseRows := make(map[string]*ProfileRow, len(base.Rows))
	for i := range base.Rows {
		baseRows[base.Rows[i].Key] = &base.Rows[i]
	}
	var none ProfileRow
	seen := make(map[string]bool, len(subj.Rows))
	for i := range subj.Rows {
		s := &subj.Rows[i]
		seen[s.Key] = true
		b := baseRows[s.Key]
		if b == nil {
			b = &none
		}
		if c, ok := compareKey(b, s, hb, hs, opts); ok {
			c.Key, c.Parts = s.Key, s.Parts
			res.Rows = append(res.Rows, c)
		} else {
			res.Unchanged++
		}
	}
	for i := range base.Rows {
		b := &base.Rows[i]
		if seen[b.Key] {
			continue
		}
		if c, ok := compareKey(b, &none, hb, hs, opts); ok {
			c.Key, c.Parts = b.Key, b.Parts
			res.Rows = append(res.Rows, c)
		} else {
			res.Unchanged++
		}
	}
	slices.SortFunc(res.Rows, func(a, b KeyChange) int {
		size := func(c KeyChange) float64 {
			if opts.ByServerTime {
				return math.Abs(c.ServerDelta)
			}
			if c.Change == ChangeErrors {
				return c.Subject.ErrorShare - c.Baseline.ErrorShare
			}
			return math.Abs(c.Delta)
		}
		return cmp.Or(cmp.Compare(changeGroup(a.Change), changeGroup(b.Change)), cmp.Compare(size(b), size(a)), cmp.Compare(a.Key, b.Key))
	})
	return res
}

// changeGroup orders the kinds of change: more load first, then errors,
// then less load.
func changeGroup(change string) int {
	switch change {
	case ChangeNew, ChangeGrown:
		return 0
	case ChangeErrors:
		return 1
	}
	return 2
}

// rates normalises a key's profile to an hour of span.
func rates(r *ProfileRow, hours float64) Rates {
	x := Rates{Requests: r.Requests, PerHour: float64(r.Requests) / hours,
		ServerSecondsPerHour: r.ServerTime.Seconds() / hours, P50: r.Latency.P50, P99: r.Latency.P99}
	if r.Requests > 0 {
		x.ErrorShare = float64(r.Refused+r.Failed) / float64(r.Requests)
	}
	return x
}

// compareKey says whether, and how, a key changed from b to s.
func compareKey(b, s *ProfileRow, hb, hs float64, opts CompareOptions) (KeyChange, bool) {
	c := KeyChange{Baseline: rates(b, hb), Subject: rates(s, hs)}
	c.Delta = c.Subject.PerHour - c.Baseline.PerHour
	c.ServerDelta = c.Subject.ServerSecondsPerHour - c.Baseline.ServerSecondsPerHour
	if c.Baseline.PerHour > 0 && c.Subject.PerHour > 0 {
		c.Ratio = c.Subject.PerHour / c.Baseline.PerHour
	}
	c.Z = RateScore(b.Requests, s.Requests, hb, hs)
	if math.Max(c.Baseline.PerHour, c.Subject.PerHour) >= opts.MinPerHour && math.Abs(c.Z) >= opts.Z {
		switch {
		case b.Requests == 0:
			c.Change = ChangeNew
			return c, true
		case s.Requests == 0:
			c.Change = ChangeGone
			return c, true
		case c.Ratio >= opts.MinRatio:
			c.Change = ChangeGrown
			return c, true
		case c.Ratio <= 1/opts.MinRatio:
			c.Change = ChangeShrunk
			return c, true
		}
	}
	if b.Requests == 0 || s.Requests == 0 {
		return c, false
	}
	eb, es := b.Refused+b.Failed, s.Refused+s.Failed
	z := shareScore(eb, b.Requests, es, s.Requests)
	if c.Subject.ErrorShare-c.Baseline.ErrorShare >= opts.MinShareChange && z >= opts.Z && float64(es)/hs >= opts.MinPerHour {
		c.Change, c.Z = ChangeErrors, z
		return c, true
	}
	return c, false
}

// RateScore is the score of a change of rate from nb requests in hb hours
// to ns in hs hours, in standard deviations: conditioned on nb+ns, ns is
// binomial with p = hs/(hb+hs) when the rate did not change. It is
// positive when the rate grew, with a continuity correction.
func RateScore(nb, ns int64, hb, hs float64) float64 {
	n := float64(nb + ns)
	if n == 0 {
		return 0
	}
	p := hs / (hb + hs)
	d := float64(ns) - n*p
	sd := math.Sqrt(n * p * (1 - p))
	if sd == 0 {
		return 0
	}
	if math.Abs(d) <= 0.5 {
		return 0
	}
	return (d - math.Copysign(0.5, d)) / sd
}

// shareScore is the two-proportion score of a share growing from eb of
// nb to es of ns.
func shareScore(eb, nb, es, ns int64) float64 {
	pooled := float64(eb+es) / float64(nb+ns)
	sd := math.Sqrt(pooled * (1 - pooled) * (1/float64(nb) + 1/float64(ns)))
	if sd == 0 {
		return 0
	}
	return (float64(es)/float64(ns) - float64(eb)/float64(nb)) / sd
}
