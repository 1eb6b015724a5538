package aggregate

import (
	"math"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy is the relative accuracy of every quantile this package
// reports: a reported quantile is within 1% of the true one.
const RelativeAccuracy = 0.01

// sketchMapping is shared by every sketch, so that any two can be merged.
var sketchMapping, sketchMappingErr = mapping.NewLogarithmicMapping(RelativeAccuracy)

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

// dist is a mergeable distribution of durations: exact count, sum, minimum
// and maximum, and a DDSketch for the quantiles. Its quantiles depend only
// on the multiset of values added, never on the order of adds and merges.
type dist struct {
	count    int64
	sum      int64 // nanoseconds; exact, unlike the sketch's float sum
	min, max time.Duration
	sketch   *ddsketch.DDSketch
}

func newDist() *dist {
	d := &dist{}
	if sketchMappingErr == nil {
		d.sketch = ddsketch.NewDDSketchFromStoreProvider(sketchMapping, store.BufferedPaginatedStoreConstructor)
	}
	return d
}

// add adds one duration.
func (d *dist) add(v time.Duration) {
	if d.count == 0 || v < d.min {
		d.min = v
	}
	if d.count == 0 || v > d.max {
		d.max = v
	}
	d.count++
	d.sum += int64(v)
	if d.sketch != nil {
		// Add fails only for values the mapping cannot index (beyond
		// ±1e307): not a duration.
		_ = d.sketch.Add(float64(v))
	}
}

// merge adds the values of o to d. o is not changed.
func (d *dist) merge(o *dist) {
	if o.count == 0 {
		return
	}
	if d.count == 0 || o.min < d.min {
		d.min = o.min
	}
	if d.count == 0 || o.max > d.max {
		d.max = o.max
	}
	d.count += o.count
	d.sum += o.sum
	if d.sketch != nil && o.sketch != nil {
		_ = d.sketch.MergeWith(o.sketch)
	}
}

// mean is the exact mean, rounded down to the nanosecond; 0 when empty.
func (d *dist) mean() time.Duration {
	if d.count == 0 {
		return 0
	}
	return time.Duration(d.sum / d.count)
}

// quantile is the q-quantile (0 <= q <= 1), clamped to the exact minimum
// and maximum and rounded to the nanosecond; 0 when empty.
func (d *dist) quantile(q float64) time.Duration {
	if d.count == 0 || d.sketch == nil {
		return 0
	}
	v, err := d.sketch.GetValueAtQuantile(q)
	if err != nil {
		return 0
	}
	r := time.Duration(math.Round(v))
	return min(max(r, d.min), d.max)
}

// quantiles summarises d.
func (d *dist) quantiles() Quantiles {
	return Quantiles{
		Count: d.count,
		Min:   d.min,
		Mean:  d.mean(),
		P50:   d.quantile(0.5),
		P90:   d.quantile(0.9),
		P99:   d.quantile(0.99),
		Max:   d.max,
	}
}
