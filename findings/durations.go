package findings

import (
	"time"

	"github.com/auditlens/auditlens/internal/sketch"
)

// durations is a mergeable distribution of durations, the one the
// aggregate package uses (internal/sketch): exact count, sum and maximum,
// quantiles within 1% that depend only on the values added, never on the
// order of adds and merges. A negative duration counts as 0.
type durations struct{ s sketch.Durations }

func (d *durations) add(v time.Duration) { d.s.Add(max(v, 0)) }

func (d *durations) merge(o *durations) { d.s.Merge(&o.s) }

// quantile is the q-quantile (0 to 1), within 1%; 0 when empty.
func (d *durations) quantile(q float64) time.Duration { return d.s.Quantile(q) }

// count is the number of durations added.
func (d *durations) count() int64 { return d.s.Count() }

// max is the largest duration added; 0 when empty.
func (d *durations) max() time.Duration { return d.s.Max() }

// totals are the exact count, sum and maximum of durations: what a mean
// and a maximum need, without the cost of quantiles. A negative duration
// counts as 0.
type totals struct{ s sketch.Durations }

func (t *totals) add(v time.Duration) { t.s.AddMoments(max(v, 0)) }

func (t *totals) merge(o *totals) { t.s.MergeMoments(&o.s) }

// count is the number of durations added.
func (t *totals) count() int64 { return t.s.Count() }

// sum is the exact sum.
func (t *totals) sum() time.Duration { return t.s.Sum() }

// max is the largest duration added; 0 when empty.
func (t *totals) max() time.Duration { return t.s.Max() }

// mean is the exact mean; 0 when empty.
func (t *totals) mean() time.Duration { return t.s.Mean() }
