package findings

import (
	"cmp"
	"iter"
	"slices"
	"time"
)

// minutes counts requests per minute: entries each a Unix minute in the
// high 32 bits and a count in the low 32 bits. The latest minute's entry
// is held apart, in latest, and the others are sorted in done: requests
// mostly come in time order, so a request in the same minute as the one
// before touches no array, and an object requested in one minute only
// (most of them, in a large capture) allocates none. Memory grows with
// the minutes that had requests, never with the requests.
type minutes struct {
	done   []uint64 // every minute's entry but the latest, sorted
	latest uint64   // the latest minute's entry; 0 before the first
}

const countMask = 1<<32 - 1

// minutesCap is the capacity of the first array of minutes.done: an
// object requested in a few minutes grows it once or never.
const minutesCap = 4

// add counts n requests in the minute of t (Unix nanoseconds); 0 (no
// time) is not counted.
func (m *minutes) add(t int64, n uint64) {
	if t <= 0 {
		return
	}
	m.addMinute(uint64(t/int64(time.Minute)), n)
}

// addMinute counts n requests in the Unix minute key.
func (m *minutes) addMinute(key, n uint64) {
	switch latest := m.latest >> 32; {
	case m.latest == 0 || key > latest:
		if m.latest != 0 {
			if m.done == nil {
				m.done = make([]uint64, 0, minutesCap)
			}
			m.done = append(m.done, m.latest)
		}
		m.latest = key<<32 | min(n, countMask)
	case key == latest:
		m.latest = key<<32 | min(m.latest&countMask+n, countMask)
	default:
		m.done = addPacked(m.done, key, n)
	}
}

// entries returns every minute's entry, sorted.
func (m *minutes) entries() []uint64 {
	if m.latest == 0 {
		return nil
	}
	return append(slices.Clip(m.done), m.latest)
}

// reset empties m, keeping its array.
func (m *minutes) reset() minutes { return minutes{done: m.done[:0]} }

// addPacked adds n to the count of key in s, entries sorted by key, each a
// key in the high 32 bits and a count in the low 32 bits (at most
// countMask), and returns s. The minutes of an object and the buckets of a
// finding's series are such entries.
func addPacked(s []uint64, key, n uint64) []uint64 {
	// Requests mostly come in time order: look at the last entry first,
	// and append a later one without searching (an object requested a
	// few times an hour adds a minute on most of its requests, and a
	// search reads a cache line of its entries at each step).
	if k := len(s) - 1; k < 0 || s[k]>>32 < key {
		return append(s, key<<32|min(n, countMask))
	} else if s[k]>>32 == key {
		s[k] = key<<32 | min(s[k]&countMask+n, countMask)
		return s
	}
	i, found := slices.BinarySearchFunc(s, key, func(e, key uint64) int { return cmp.Compare(e>>32, key) })
	if found {
		s[i] = key<<32 | min(s[i]&countMask+n, countMask)
		return s
	}
	return slices.Insert(s, i, key<<32|min(n, countMask))
}

// merge adds the counts of o to m; o is not changed.
func (m *minutes) merge(o *minutes) {
	if o.latest == 0 {
		return
	}
	if m.latest == 0 {
		m.done, m.latest = append(m.done[:0], o.done...), o.latest
		return
	}
	// Both are sorted: merge them in one pass, from the last entries to
	// the first, into m's array when it has room (adding o's minutes one
	// by one would insert each in the middle of m's).
	a, b := m.done, o.done
	n := len(a) + len(b) + 2
	out := a[:cap(a)]
	if len(out) < n {
		out = make([]uint64, n)
	} else {
		out = out[:n]
	}
	k := n // out[k:] is merged
	for i, j := len(a), len(b); i >= 0 || j >= 0; {
		x, y := m.latest, o.latest // the entries before i and j: a's latest after a's done
		if 0 <= i && i < len(a) {
			x = a[i]
		}
		if 0 <= j && j < len(b) {
			y = b[j]
		}
		k--
		switch {
		case j < 0 || i >= 0 && x>>32 > y>>32:
			out[k] = x
			i--
		case i < 0 || y>>32 > x>>32:
			out[k] = y
			j--
		default:
			out[k] = x>>32<<32 | min(x&countMask+y&countMask, countMask)
			i--
			j--
		}
	}
	out = out[:copy(out, out[k:])]
	m.done, m.latest = out[:len(out)-1], out[len(out)-1]
}

// over returns the number of minutes with more than limit requests and the
// largest count of a minute.
func (m *minutes) over(limit int) (hot int, peak int64) {
	count := func(e uint64) {
		c := int64(e & countMask)
		if c > int64(limit) {
			hot++
		}
		peak = max(peak, c)
	}
	for _, e := range m.done {
		count(e)
	}
	if m.latest != 0 {
		count(m.latest)
	}
	return hot, peak
}

// onset returns the first minute with more than limit requests, Unix
// nanoseconds; 0 when there is none.
func (m *minutes) onset(limit int) int64 {
	for _, e := range m.entries() {
		if int64(e&countMask) > int64(limit) {
			return int64(e>>32) * int64(time.Minute)
		}
	}
	return 0
}

// objectSamples is the sampling limit of the per-object table (hot-loop,
// write-churn): it keeps a row for every object a user touched (tens of
// thousands in a large capture), so it keeps as samples only requests
// whose auditID's hash is in the lowest 16th of the range. A row of a
// finding has hundreds of requests (a hot loop at least 300 at the
// defaults), so it still gets its ten samples, or nearly; the choice stays
// deterministic.
const objectSamples = ^uint64(0) / 16

// objectRate counts one user's requests of one kind to one object, per
// minute. It is small, as there is one per object: the status code of
// most of its requests is held inline, other codes and samples apart.
type objectRate struct {
	count   int64
	server  int64 // nanoseconds (facts.cost)
	span    span
	code    int32 // the code of the first request counted
	extra   *objectExtra
	minutes minutes
}

// objectExtra is what few objects have: requests with other status codes
// than the first's, and samples.
type objectExtra struct {
	status  statusMix // codes other than objectRate.code
	samples sampleSet
}

func (o *objectRate) more() *objectExtra {
	if o.extra == nil {
		o.extra = new(objectExtra)
	}
	return o.extra
}

// objectHit is what an objectRate counts of a request: its status code,
// when it was received (Unix nanoseconds), its cost (facts.cost) and its
// auditID's hash; for a sampled request (that hash at most
// objectSamples), its auditID, which points into the event
// (objectTable.count copies it).
type objectHit struct {
	code    int32
	recv    int64
	server  int64
	idHash  uint64
	auditID string
}

// hitOf returns what an objectRate counts of the request of f.
func hitOf(f *facts) objectHit {
	server, _ := f.cost()
	h := objectHit{code: f.code, recv: f.recv, server: server, idHash: f.idHash()}
	if h.idHash <= objectSamples {
		h.auditID = f.auditID()
	}
	return h
}

// add counts the request h, whose auditID, when sampled, is id (a buffer:
// it is copied only when kept as a sample).
func (o *objectRate) add(h *objectHit, id []byte) {
	if o.count == 0 {
		o.code = h.code
	} else if h.code != o.code {
		o.more().status.add(h.code, 1)
	}
	o.count++
	o.server += h.server
	o.span.add(h.recv)
	if h.idHash <= objectSamples {
		if e := o.more(); e.samples.wants(h.idHash) {
			offerID(&e.samples, h.idHash, id)
		}
	}
	o.minutes.add(h.recv, 1)
}

func (o *objectRate) merge(p *objectRate) {
	if p.count == 0 {
		return
	}
	if o.count == 0 {
		o.code = p.code
	}
	for code, n := range p.statuses() {
		if code != o.code {
			o.more().status.add(code, n)
		}
	}
	o.count += p.count
	o.server += p.server
	o.span.merge(p.span)
	if p.extra != nil && len(p.extra.samples) > 0 {
		o.more().samples.merge(p.extra.samples)
	}
	o.minutes.merge(&p.minutes)
}

// statuses yields the object's requests by status code, without building
// a mix (a table's merge walks them for each of its rows): the codes held
// apart, then the first request's code with the rest.
func (o *objectRate) statuses() iter.Seq2[int32, int64] {
	return func(yield func(int32, int64) bool) {
		n := o.count
		if o.extra != nil {
			for _, c := range o.extra.status {
				n -= c.Count
				if !yield(c.Code, c.Count) {
					return
				}
			}
		}
		if n > 0 {
			yield(o.code, n)
		}
	}
}

// statusMix is the object's requests by status code.
func (o *objectRate) statusMix() statusMix {
	var m statusMix
	for code, n := range o.statuses() {
		m.add(code, n)
	}
	return m
}

// evidence returns a row of the object's requests, Share left to the
// caller.
func (o *objectRate) evidence(offender, what string) Evidence {
	t := tally{count: o.count, server: o.server, span: o.span, status: o.statusMix()}
	if o.extra != nil {
		t.samples = o.extra.samples
	}
	return t.evidence(offender, what)
}
