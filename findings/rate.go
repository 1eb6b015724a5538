package findings

import (
	"cmp"
	"slices"
	"time"
)

// minutes counts requests per minute: sorted entries, each a Unix minute
// in the high 32 bits and a count in the low 32 bits. Memory grows with
// the minutes that had requests, never with the requests.
type minutes []uint64

const countMask = 1<<32 - 1

// add counts n requests in the minute of t (Unix nanoseconds); 0 (no
// time) is not counted.
func (m *minutes) add(t int64, n uint64) {
	if t <= 0 {
		return
	}
	minute := uint64(t / int64(time.Minute))
	s := *m
	// Requests mostly come in time order: look at the last minute first.
	if k := len(s) - 1; k >= 0 && s[k]>>32 == minute {
		s[k] = minute<<32 | min(s[k]&countMask+n, countMask)
		return
	}
	i, found := slices.BinarySearchFunc(s, minute, func(e, minute uint64) int { return cmp.Compare(e>>32, minute) })
	if found {
		s[i] = minute<<32 | min(s[i]&countMask+n, countMask)
		return
	}
	*m = slices.Insert(s, i, minute<<32|min(n, countMask))
}

func (m *minutes) merge(o minutes) {
	for _, e := range o {
		m.add(int64(e>>32)*int64(time.Minute), e&countMask)
	}
}

// over returns the number of minutes with more than limit requests and the
// largest count of a minute.
func (m minutes) over(limit int) (hot int, peak int64) {
	for _, e := range m {
		c := int64(e & countMask)
		if c > int64(limit) {
			hot++
		}
		peak = max(peak, c)
	}
	return hot, peak
}

// objectSamples is the sampling limit of the per-object tables (hot-loop,
// write-churn): they keep a row for every object a user touched, so they
// keep as samples only requests whose auditID's hash is in the lowest
// eighth of the range. A row of a finding has hundreds of requests, so
// it still gets its ten samples, and the choice stays deterministic.
const objectSamples = ^uint64(0) / 8

// objectRate counts one user's requests of one kind to one object, per
// minute.
type objectRate struct {
	tally
	minutes minutes
}

func (o *objectRate) add(f *facts) {
	o.tally.add(f, objectSamples)
	o.minutes.add(f.recv, 1)
}

func (o *objectRate) merge(p *objectRate) {
	o.tally.merge(&p.tally)
	o.minutes.merge(p.minutes)
}
