package aggregate

import (
	"math"
	"slices"
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
// and maximum, the values themselves while there are few, and a DDSketch
// for the quantiles once there are more than exactLimit. Its quantiles are
// the sketch's, computed from the exact values while there are few: they
// depend only on the multiset of values added, never on the order of adds
// and merges, nor on when the sketch was made.
type dist struct {
	count    int64
	sum      int64 // nanoseconds; exact, unlike the sketch's float sum
	min, max time.Duration
	values   []time.Duration // every value, until the sketch is made
	sketch   *ddsketch.DDSketch
}

// exactLimit is the most values a dist keeps before it makes a sketch:
// most groups of a grouped view hold a few requests, and a sketch takes a
// kilobyte or more.
const exactLimit = 32

func newDist() *dist { return &dist{} }

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
	if d.sketch == nil && len(d.values) < exactLimit {
		d.values = append(d.values, v)
		return
	}
	d.toSketch()
	d.addToSketch(v)
}

// toSketch moves the values to a sketch, if there is none yet.
func (d *dist) toSketch() {
	if d.sketch != nil || sketchMappingErr != nil {
		return
	}
	d.sketch = ddsketch.NewDDSketchFromStoreProvider(sketchMapping, store.BufferedPaginatedStoreConstructor)
	for _, v := range d.values {
		d.addToSketch(v)
	}
	d.values = nil
}

func (d *dist) addToSketch(v time.Duration) {
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
	if d.sketch == nil && o.sketch == nil && len(d.values)+len(o.values) <= exactLimit {
		d.values = append(d.values, o.values...)
		return
	}
	d.toSketch()
	switch {
	case d.sketch == nil: // no mapping
	case o.sketch != nil:
		_ = d.sketch.MergeWith(o.sketch)
	default:
		for _, v := range o.values {
			d.addToSketch(v)
		}
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
	if d.count == 0 || sketchMappingErr != nil {
		return 0
	}
	var v float64
	if d.sketch != nil {
		var err error
		if v, err = d.sketch.GetValueAtQuantile(q); err != nil {
			return 0
		}
	} else {
		v = sketchQuantile(d.values, q)
	}
	r := time.Duration(math.Round(v))
	return min(max(r, d.min), d.max)
}

// sketchQuantile is what a DDSketch of the values (sorted in place) gives
// for the q-quantile: the value of the bucket of the value at rank
// q*(n-1), rounded down, with the sketch's own arithmetic; values too close
// to zero to index count as 0.
func sketchQuantile(values []time.Duration, q float64) float64 {
	slices.Sort(values)
	least := sketchMapping.MinIndexableValue()
	neg, zero := 0, 0
	for _, v := range values {
		switch f := float64(v); {
		case f < -least:
			neg++
		case f <= least:
			zero++
		}
	}
	rank := float64(q * float64(len(values)-1))
	switch {
	case rank < float64(neg):
		// The sketch ranks negative values by magnitude, from the
		// largest magnitude down.
		i := int(float64(neg) - 1 - rank)
		return -sketchMapping.Value(sketchMapping.Index(-float64(values[neg-1-i])))
	case rank < float64(zero)+float64(neg):
		return 0
	}
	i := neg + zero + int(rank-float64(zero)-float64(neg))
	return sketchMapping.Value(sketchMapping.Index(float64(values[i])))
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
