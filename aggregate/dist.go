package aggregate

import (
	"time"

	"github.com/auditlens/auditlens/internal/sketch"
)

// RelativeAccuracy is the relative accuracy of every quantile this package
// reports: a reported quantile is within 1% of the true one.
const RelativeAccuracy = sketch.RelativeAccuracy

// Quantiles describes a distribution of durations. Count, Min, Max and Mean
// are exact; P50, P90 and P99 are within RelativeAccuracy of the true
// quantiles. Durations are in nanoseconds in JSON.
type Quantiles struct {
	Count int64         `json:"count"`
	Min   time.Duration `json:"min"`
	Mean  time.Duration `json:"mean"`
	P50   time.Duration `json:"p50"`
	P90   time.Duration `json:"p90"`
	P99   time.Duration `json:"p99"`
	Max   time.Duration `json:"max"`
}

// dist is a mergeable distribution of durations: the one of
// internal/sketch (exact values while there are few, a DDSketch once there
// are more), under the names this package's aggregators use.
type dist struct{ d sketch.Durations }

func newDist() *dist { return &dist{} }

// add adds one duration.
func (d *dist) add(v time.Duration) { d.d.Add(v) }

// addMoments adds one duration to the count, sum, minimum and maximum
// alone: a dist that is added to so has no quantiles.
func (d *dist) addMoments(v time.Duration) { d.d.AddMoments(v) }

// merge adds the values of o to d. o is not changed.
func (d *dist) merge(o *dist) { d.d.Merge(&o.d) }

// mergeMoments adds the count, sum, minimum and maximum of o to d's.
func (d *dist) mergeMoments(o *dist) { d.d.MergeMoments(&o.d) }

// quantile is the q-quantile (0 <= q <= 1), within RelativeAccuracy.
func (d *dist) quantile(q float64) time.Duration { return d.d.Quantile(q) }

// quantiles summarises d.
func (d *dist) quantiles() Quantiles {
	q := d.moments()
	q.P50, q.P90, q.P99 = d.d.Quantile(0.5), d.d.Quantile(0.9), d.d.Quantile(0.99)
	return q
}

// moments summarises d without its quantiles: what a dist added to with
// addMoments has.
func (d *dist) moments() Quantiles {
	return Quantiles{Count: d.d.Count(), Min: d.d.Min(), Mean: d.d.Mean(), Max: d.d.Max()}
}

// count is the number of durations added.
func (d *dist) count() int64 { return d.d.Count() }
