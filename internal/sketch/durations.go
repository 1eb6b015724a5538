// Package sketch is the one distribution of durations of the aggregate
// and findings packages: exact count, sum, minimum and maximum, and
// quantiles within RelativeAccuracy from a DDSketch, made only once a
// distribution holds more than a few values.
package sketch

import (
	"math"
	"slices"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy is the relative accuracy of every quantile: a reported
// quantile is within 1% of the true one.
const RelativeAccuracy = 0.01

// sketchMapping is shared by every sketch, so that any two can be merged.
var sketchMapping, sketchMappingErr = mapping.NewLogarithmicMapping(RelativeAccuracy)

// Durations is a mergeable distribution of durations: exact count, sum, minimum
// and maximum, the values themselves while there are few, and a DDSketch
// for the quantiles once there are more than exactLimit. Its quantiles are
// the sketch's, computed from the exact values while there are few: they
// depend only on the multiset of values added, never on the order of adds
// and merges, nor on when the sketch was made. One or two values are their
// minimum and maximum: a Durations of so few holds nothing more. The zero value is empty.
type Durations struct {
	count    int64
	sum      int64 // nanoseconds; exact, unlike the sketch's float sum
	min, max time.Duration
	more     *durationsMore // nil for up to two values
}

// durationsMore is what a Durations of three values or more holds: the values, or
// once there are more than exactLimit, a sketch of them.
type durationsMore struct {
	values []time.Duration
	sketch *ddsketch.DDSketch
}

// exactLimit is the most values a Durations keeps before it makes a sketch:
// most groups of a grouped view hold a few requests, and a sketch takes a
// kilobyte or more.
const exactLimit = 32

// Add adds one duration.
func (d *Durations) Add(v time.Duration) {
	switch {
	case d.count < 2:
		// The values are the minimum and the maximum.
	case d.more == nil:
		d.more = &durationsMore{values: append(make([]time.Duration, 0, 4), d.min, d.max, v)}
	case d.more.sketch == nil && len(d.more.values) < exactLimit:
		d.more.values = append(d.more.values, v)
	default:
		d.toSketch()
		d.addToSketch(v)
	}
	d.AddMoments(v)
}

// AddMoments adds one duration to the count, sum, minimum and maximum
// alone: a Durations that is added to so keeps no values and no sketch, and
// has no quantiles.
func (d *Durations) AddMoments(v time.Duration) {
	if d.count == 0 || v < d.min {
		d.min = v
	}
	if d.count == 0 || v > d.max {
		d.max = v
	}
	d.count++
	d.sum += int64(v)
}

// MergeMoments adds the count, sum, minimum and maximum of o to d's.
func (d *Durations) MergeMoments(o *Durations) {
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
}

// values returns the values added, while there is no sketch.
func (d *Durations) values() []time.Duration {
	switch {
	case d.count == 0:
		return nil
	case d.count == 1:
		return []time.Duration{d.min}
	case d.more == nil:
		return []time.Duration{d.min, d.max}
	}
	return d.more.values
}

// sketched reports whether d keeps a sketch rather than its values.
func (d *Durations) sketched() bool { return d.more != nil && d.more.sketch != nil }

// toSketch moves the values to a sketch, if there is none yet.
func (d *Durations) toSketch() {
	if d.sketched() || sketchMappingErr != nil {
		return
	}
	values := d.values()
	d.more = &durationsMore{sketch: ddsketch.NewDDSketchFromStoreProvider(sketchMapping, store.BufferedPaginatedStoreConstructor)}
	for _, v := range values {
		d.addToSketch(v)
	}
}

func (d *Durations) addToSketch(v time.Duration) {
	if d.sketched() {
		// Add fails only for values the mapping cannot index (beyond
		// ±1e307): not a duration.
		_ = d.more.sketch.Add(float64(v))
	}
}

// Merge adds the values of o to d. o is not changed.
func (d *Durations) Merge(o *Durations) {
	if o.count == 0 {
		return
	}
	switch {
	case !d.sketched() && !o.sketched() && d.count+o.count <= exactLimit:
		if d.count+o.count > 2 {
			values := append(make([]time.Duration, 0, d.count+o.count), d.values()...)
			d.more = &durationsMore{values: append(values, o.values()...)}
		}
	default:
		d.toSketch()
		switch {
		case !d.sketched(): // no mapping
		case o.sketched():
			_ = d.more.sketch.MergeWith(o.more.sketch)
		default:
			for _, v := range o.values() {
				d.addToSketch(v)
			}
		}
	}
	d.MergeMoments(o)
}

// Mean is the exact mean, rounded down to the nanosecond; 0 when empty.
func (d *Durations) Mean() time.Duration {
	if d.count == 0 {
		return 0
	}
	return time.Duration(d.sum / d.count)
}

// Quantile is the q-quantile (0 <= q <= 1), clamped to the exact minimum
// and maximum and rounded to the nanosecond; 0 when empty.
func (d *Durations) Quantile(q float64) time.Duration {
	if d.count == 0 || sketchMappingErr != nil {
		return 0
	}
	var v float64
	if d.sketched() {
		var err error
		if v, err = d.more.sketch.GetValueAtQuantile(q); err != nil {
			return 0
		}
	} else {
		v = sketchQuantile(slices.Clone(d.values()), q)
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

// Count is the number of durations added.
func (d *Durations) Count() int64 { return d.count }

// Sum is the exact sum of the durations added.
func (d *Durations) Sum() time.Duration { return time.Duration(d.sum) }

// Min is the least duration added; 0 when empty.
func (d *Durations) Min() time.Duration { return d.min }

// Max is the greatest duration added; 0 when empty.
func (d *Durations) Max() time.Duration { return d.max }
