package findings

import (
	"math"
	"time"

	"github.com/auditlens/auditlens/aggregate"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// durationMapping is shared by every sketch, so that any two merge. Its
// relative accuracy is the aggregate package's: 1%.
var durationMapping, durationMappingErr = mapping.NewLogarithmicMapping(aggregate.RelativeAccuracy)

// durations is a mergeable distribution of durations: exact count, sum
// and maximum, and a DDSketch for the median. Its quantiles depend only on
// the values added, never on the order of adds and merges.
type durations struct {
	count, sum, max int64
	sketch          *ddsketch.DDSketch
}

func (d *durations) add(v time.Duration) {
	v = max(v, 0)
	d.count++
	d.sum += int64(v)
	d.max = max(d.max, int64(v))
	if d.sketch == nil && durationMappingErr == nil {
		d.sketch = ddsketch.NewDDSketchFromStoreProvider(durationMapping, store.BufferedPaginatedStoreConstructor)
	}
	if d.sketch != nil {
		_ = d.sketch.Add(float64(v)) // fails only beyond ±1e307: not a duration
	}
}

func (d *durations) merge(o *durations) {
	if o.count == 0 {
		return
	}
	d.count += o.count
	d.sum += o.sum
	d.max = max(d.max, o.max)
	if o.sketch == nil {
		return
	}
	if d.sketch == nil {
		d.sketch = o.sketch.Copy()
		return
	}
	_ = d.sketch.MergeWith(o.sketch)
}

// quantile is the q-quantile (0 to 1), within 1%, clamped to the maximum;
// 0 when empty.
func (d *durations) quantile(q float64) time.Duration {
	if d.count == 0 || d.sketch == nil {
		return 0
	}
	v, err := d.sketch.GetValueAtQuantile(q)
	if err != nil {
		return 0
	}
	return min(time.Duration(math.Round(v)), time.Duration(d.max))
}

// mean is the exact mean; 0 when empty.
func (d *durations) mean() time.Duration {
	if d.count == 0 {
		return 0
	}
	return time.Duration(d.sum / d.count)
}

// totals are the exact count, sum and maximum of durations: what a mean
// and a maximum need, without the cost of a sketch.
type totals struct {
	count, sum, max int64
}

func (t *totals) add(v time.Duration) {
	v = max(v, 0)
	t.count++
	t.sum += int64(v)
	t.max = max(t.max, int64(v))
}

func (t *totals) merge(o *totals) {
	t.count += o.count
	t.sum += o.sum
	t.max = max(t.max, o.max)
}

// mean is the exact mean; 0 when empty.
func (t *totals) mean() time.Duration {
	if t.count == 0 {
		return 0
	}
	return time.Duration(t.sum / t.count)
}
