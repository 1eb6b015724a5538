package findings

import (
	"math"
	"time"
)

// seriesCap is the most buckets a series holds: a day of minutes. Past
// it, the buckets double in width (2, 4, 8... minutes) until they fit.
const seriesCap = 24 * 60

// series counts requests over time in buckets of 1<<shift minutes,
// aligned on the Unix epoch: sorted entries, each a bucket's index (Unix
// minute >> shift) in the high 32 bits and its count in the low 32 bits
// (saturating). Only buckets with requests have an entry, and there are
// never more than seriesCap: memory is at most 8*seriesCap bytes a
// series, whatever the requests.
//
// Merging is exact and order-free: a series coarsens only when its own
// buckets overflow seriesCap, and the union of two inputs has at least
// the buckets of each, so merged series end at the width the whole input
// needs, with the same counts however it was split.
type series struct {
	shift uint8
	b     []uint64
}

// minuteOf is the Unix minute of t (Unix nanoseconds).
func minuteOf(t int64) uint64 { return uint64(t / int64(time.Minute)) }

// add counts one request at t (Unix nanoseconds); 0 (no time) is not
// counted.
func (s *series) add(t int64) {
	if t > 0 {
		s.addMinute(minuteOf(t), 1)
	}
}

// addMinute counts n requests in the Unix minute m.
func (s *series) addMinute(m, n uint64) {
	s.b = addPacked(s.b, m>>s.shift, n)
	for len(s.b) > seriesCap {
		s.coarsen()
	}
}

// coarsen doubles the width of the buckets, adding up neighbours.
func (s *series) coarsen() {
	s.shift++
	out := s.b[:0]
	for _, e := range s.b {
		idx, n := e>>33, e&countMask
		if k := len(out) - 1; k >= 0 && out[k]>>32 == idx {
			out[k] = idx<<32 | min(out[k]&countMask+n, countMask)
			continue
		}
		out = append(out, idx<<32|n)
	}
	s.b = out
}

// merge adds the counts of o to s, at the wider of their widths.
func (s *series) merge(o *series) {
	if len(o.b) == 0 {
		return
	}
	for s.shift < o.shift {
		s.coarsen()
	}
	for _, e := range o.b {
		// The first minute of o's bucket is in the bucket of s that holds it.
		s.addMinute(e>>32<<o.shift, e&countMask)
	}
}

// width is the width of a bucket.
func (s *series) width() time.Duration { return time.Duration(1<<s.shift) * time.Minute }

// start is the start of the bucket of entry e, Unix nanoseconds.
func (s *series) start(e uint64) int64 { return int64(e>>32<<s.shift) * int64(time.Minute) }

// total is the number of requests counted.
func (s *series) total() int64 {
	var n int64
	for _, e := range s.b {
		n += int64(e & countMask)
	}
	return n
}

// reach returns the start of the first bucket by whose end the requests
// counted reach n, Unix nanoseconds; 0 when they never do.
func (s *series) reach(n int64) int64 {
	var sum int64
	for _, e := range s.b {
		if sum += int64(e & countMask); sum >= n {
			return s.start(e)
		}
	}
	return 0
}

// onsetPerHour returns the first time a rate of perHour requests an hour
// was reached, Unix nanoseconds, to the width of the buckets: the start
// of the first bucket by whose end the last hour (the bucket and those
// before it, an hour in all, or the bucket alone when it is an hour or
// wider) held at least perHour requests. When no hour does (requests
// spread so that only their average over a long capture reaches the rate,
// as base.perHour asks), it is the bucket where the requests counted from
// the start reach perHour times hours, the capture's length. 0 when
// neither is reached.
func (s *series) onsetPerHour(perHour, hours float64) int64 {
	need := int64(math.Ceil(perHour))
	window := max(uint64(time.Hour/s.width()), 1)
	var sum int64
	lo := 0
	for _, e := range s.b {
		sum += int64(e & countMask)
		for e>>32-s.b[lo]>>32 >= window {
			sum -= int64(s.b[lo] & countMask)
			lo++
		}
		if sum >= need {
			return s.start(e)
		}
	}
	return s.reach(int64(math.Ceil(perHour * hours)))
}

// onsetOf returns the earliest non-zero of the onsets, 0 when none is.
func onsetOf(onsets ...int64) int64 {
	var o int64
	for _, t := range onsets {
		if t > 0 && (o == 0 || t < o) {
			o = t
		}
	}
	return o
}

// Series is a count of requests over time: Counts[i] requests in the
// bucket that starts at Start plus i buckets of Minutes minutes each,
// from the bucket of the capture's first request to that of its last.
// Buckets are a minute wide (Minutes 1) unless the capture is longer than
// a day, or a row's own counts were (a finding keeps at most 1,440
// buckets a row, see the package documentation): then they double in
// width, 2, 4, 8... minutes, until they fit, and are aligned on multiples
// of their width since the Unix epoch.
type Series struct {
	// Start is the start of the first bucket, UTC.
	Start time.Time `json:"start"`
	// Minutes is the width of a bucket, in minutes.
	Minutes int `json:"minutes"`
	// Counts are the requests of each bucket, in time order.
	Counts []int64 `json:"counts"`
}

// perMinute returns s as a Series over the span of every request seen
// (b.span), at the width of s or wider if the span needs more than
// seriesCap buckets; the zero Series when s is empty or no time is known.
func (b *base) perMinute(s *series) Series {
	if len(s.b) == 0 || b.span.first == 0 {
		return Series{}
	}
	first, last := minuteOf(b.span.first), minuteOf(b.span.last)
	shift := s.shift
	for (last>>shift)-(first>>shift)+1 > seriesCap {
		shift++
	}
	lo, hi := first>>shift, last>>shift
	out := Series{Start: time.Unix(0, int64(lo<<shift)*int64(time.Minute)).UTC(), Minutes: 1 << shift,
		Counts: make([]int64, hi-lo+1)}
	for _, e := range s.b {
		idx := e >> 32 << s.shift >> shift
		if idx >= lo && idx <= hi {
			out.Counts[idx-lo] += int64(e & countMask)
		}
	}
	return out
}

// timeline is what a finding says about its requests over time: its
// onset and its series.
func (b *base) timeline(f *Finding, onset int64, s *series) {
	f.Onset = onsetTime(onset)
	f.PerMinute = b.perMinute(s)
}

// timedTally is a tally with its requests over time.
type timedTally struct {
	tally
	at series
}

func (t *timedTally) add(f *facts, limit uint64) {
	t.tally.add(f, limit)
	t.at.add(f.recv)
}

func (t *timedTally) merge(o *timedTally) {
	t.tally.merge(&o.tally)
	t.at.merge(&o.at)
}
