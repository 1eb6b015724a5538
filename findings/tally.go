package findings

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// span is the first and last of a set of times, in Unix nanoseconds; the
// zero span holds none.
type span struct {
	first, last int64
}

// add widens the span to hold t; 0 (no time) is ignored.
func (s *span) add(t int64) {
	if t == 0 {
		return
	}
	if s.first == 0 || t < s.first {
		s.first = t
	}
	if t > s.last {
		s.last = t
	}
}

// merge widens s to hold o.
func (s *span) merge(o span) {
	if o.first != 0 {
		s.add(o.first)
		s.add(o.last)
	}
}

// hours is the span's length in hours, at least 1: the divisor of every
// per-hour rate.
func (s span) hours() float64 {
	return max(float64(s.last-s.first)/float64(time.Hour), 1)
}

// times returns the span as UTC times (zero times for an empty span).
func (s span) times() (first, last time.Time) {
	if s.first == 0 {
		return time.Time{}, time.Time{}
	}
	return time.Unix(0, s.first).UTC(), time.Unix(0, s.last).UTC()
}

// statusMix counts requests by status code, sorted by code.
type statusMix []aggregate.StatusCount

func (m *statusMix) add(code int32, n int64) {
	s := *m
	for i := range s {
		if s[i].Code == code {
			s[i].Count += n
			return
		}
	}
	i, _ := slices.BinarySearchFunc(s, code, func(c aggregate.StatusCount, code int32) int { return cmp.Compare(c.Code, code) })
	*m = slices.Insert(s, i, aggregate.StatusCount{Code: code, Count: n})
}

func (m *statusMix) merge(o statusMix) {
	for _, c := range o {
		m.add(c.Code, c.Count)
	}
}

// maxSamples is the most sample auditIDs a row keeps.
const maxSamples = aggregate.MaxSamples

// sample is an auditID and its hash.
type sample struct {
	hash uint64
	id   string
}

// sampleSet holds the (up to maxSamples) auditIDs with the smallest
// (aggregate.SampleHash, auditID) among those offered, as
// aggregate.Samples does (the same requests give the same samples in a
// finding and in a top row), in a slice that grows only as needed: the
// per-object table holds many rows with no sample at all.
type sampleSet []sample

// wants reports whether an auditID whose hash is h may be among the
// smallest: offer keeps none with a larger hash than a full set's last.
func (s sampleSet) wants(h uint64) bool {
	return len(s) < maxSamples || h <= s[len(s)-1].hash
}

// offer adds the auditID id with hash h if it is among the smallest; id
// is copied when kept.
func (s *sampleSet) offer(h uint64, id string) { offerID(s, h, id) }

// offerID is offer of an auditID held in a string or in a buffer (a
// per-object table's), copied only when kept: converting the buffer to
// offer's string would copy each one offered.
func offerID[ID string | []byte](s *sampleSet, h uint64, id ID) {
	i, ok := place(*s, h, id)
	if !ok {
		return
	}
	var kept string
	switch v := any(id).(type) {
	case string:
		kept = strings.Clone(v)
	case []byte:
		kept = string(v)
	}
	s.insert(i, sample{h, kept})
}

// place returns where the auditID id with hash h goes in s, by hash then
// auditID, and false when it is not among the smallest or s holds it
// already. The auditIDs are compared only when the hashes are equal:
// reading a kept auditID is a cache miss on each offer of a request that
// is not kept.
func place[ID string | []byte](s sampleSet, h uint64, id ID) (int, bool) {
	before := func(e sample) bool { return e.hash < h || e.hash == h && e.id < string(id) }
	if len(s) == maxSamples && before(s[len(s)-1]) {
		return 0, false
	}
	i, _ := slices.BinarySearchFunc(s, h, func(e sample, _ uint64) int {
		if before(e) {
			return -1
		}
		return 1
	})
	if i < len(s) && s[i].hash == h && s[i].id == string(id) {
		return 0, false // the same request seen twice
	}
	return i, true
}

// insert puts c at i (of place), letting go of the largest sample when s
// is full.
func (s *sampleSet) insert(i int, c sample) {
	set := *s
	if len(set) == maxSamples {
		set = set[:len(set)-1]
	}
	*s = slices.Insert(set, i, c)
}

// merge adds the samples of o that are among the smallest. Their auditIDs
// are not copied: a sampleSet's are its own, and never change.
func (s *sampleSet) merge(o sampleSet) {
	for _, c := range o {
		if i, ok := place(*s, c.hash, c.id); ok {
			s.insert(i, c)
		}
	}
}

// ids returns the auditIDs, in (hash, auditID) order.
func (s sampleSet) ids() []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = c.id
	}
	return out
}

// allSamples is the sampling limit of a tally that samples among all of
// its requests.
const allSamples = ^uint64(0)

// tally counts the requests of one row: how many, when, their status
// codes and a few samples.
type tally struct {
	count   int64
	server  int64 // nanoseconds (facts.cost)
	queue   int64
	span    span
	status  statusMix
	samples sampleSet
}

// add counts the request of f, offering it as a sample when its auditID's
// hash is at most limit (allSamples: always).
func (t *tally) add(f *facts, limit uint64) {
	t.count++
	server, queue := f.cost()
	t.server += server
	t.queue += queue
	t.span.add(f.recv)
	t.status.add(f.code, 1)
	if limit == allSamples || f.idHash() <= limit {
		t.samples.offer(f.idHash(), f.auditID())
	}
}

func (t *tally) merge(o *tally) {
	t.count += o.count
	t.server += o.server
	t.queue += o.queue
	t.span.merge(o.span)
	t.status.merge(o.status)
	t.samples.merge(o.samples)
}

func (t *tally) requests() int64 { return t.count }

// evidence returns a row of the tally's requests, Share left to the
// caller.
func (t *tally) evidence(offender, what string) Evidence {
	first, last := t.span.times()
	return Evidence{Offender: offender, What: what, Count: t.count, Cost: costOf(t.server, t.queue), First: first, Last: last,
		Status: slices.Clone([]aggregate.StatusCount(t.status)), Samples: t.samples.ids()}
}

// entry is what a table holds: a mergeable value that knows how many
// requests it counts.
type entry[V any] interface {
	*V
	merge(o *V)
	requests() int64
}

// table is a map from keys to values with at most max keys: a request
// whose key would be new in a full table is dropped and counted.
type table[V any, P entry[V]] struct {
	m       map[string]*V
	max     int
	dropped int64
}

func newTable[V any, P entry[V]](max int) table[V, P] {
	return table[V, P]{m: make(map[string]*V), max: max}
}

// get returns the value of key, adding a zero value when key is new, or
// nil (and counts the request as dropped) when the table is full.
func (t *table[V, P]) get(key []byte) *V {
	if v := t.m[string(key)]; v != nil {
		return v
	}
	if len(t.m) >= t.max {
		t.dropped++
		return nil
	}
	v := new(V)
	t.m[string(key)] = v
	return v
}

// getString is get of a key held in a string, which may point into the
// event (or a buffer): a new key is copied.
func (t *table[V, P]) getString(key string) *V {
	if v := t.m[key]; v != nil {
		return v
	}
	if len(t.m) >= t.max {
		t.dropped++
		return nil
	}
	v := new(V)
	t.m[strings.Clone(key)] = v
	return v
}

// merge adds the values of o to t, copying what t does not hold yet.
func (t *table[V, P]) merge(o *table[V, P]) {
	t.dropped += o.dropped
	for k, ov := range o.m {
		v := t.m[k]
		if v == nil {
			if len(t.m) >= t.max {
				t.dropped += P(ov).requests()
				continue
			}
			v = new(V)
			t.m[k] = v
		}
		P(v).merge(ov)
	}
}

// costOf is the Cost of server and queue nanoseconds.
func costOf(server, queue int64) Cost {
	return Cost{ServerSeconds: float64(server) / 1e9, QueueSeconds: float64(queue) / 1e9}
}
