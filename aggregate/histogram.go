package aggregate

import (
	"cmp"
	"iter"
	"slices"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// MaxBuckets is the most buckets a Histogram spans, from its first to its
// last. When its entries span more, as soon as they do, it doubles the
// width of its buckets (each new bucket the sum of two) until they span no
// more, and its result says so (HistogramResult.RequestedWidth): a 72-hour
// log counted by the second reads once, in buckets of 4 seconds.
const MaxBuckets = 100000

// Histogram counts entries per time bucket of requestReceivedTimestamp,
// overall and per key, so that a spike shows, and the keys that made it can
// be named. Buckets are aligned on multiples of the width since the Unix
// epoch, in UTC. Memory grows with the number of distinct (bucket, key)
// pairs, and the buckets are at most MaxBuckets.
type Histogram struct {
	width     time.Duration
	requested time.Duration // the width asked for
	key       Key
	totals    bucketCounts // every entry's bucket: a slice while dense
	// keys numbers the keys when the histogram counts by one; series
	// holds the series of key number i at i, of no entries (total 0) for
	// a number it never counted (a Set's table numbers the keys of its
	// other members too).
	keys   *keyTable
	series []series
	total  int64
	noTime int64
	noKey  int64
	// first and last are the first and last bucket counted, if any is.
	first, last int64
	counted     bool
	maxBuckets  int64 // MaxBuckets; tests lower it
}

// series is one key's counts per bucket.
type series struct {
	total int64
	// buckets holds the counts but the pending entries of bucket cur:
	// a key's entries come mostly in time order, and a run of them in one
	// bucket is counted at once (see all).
	buckets      bucketCounts
	cur, pending int64
}

// add counts an entry in bucket i.
func (s *series) add(i int64) {
	s.total++
	if s.pending > 0 && s.cur == i {
		s.pending++
		return
	}
	s.flush()
	s.cur, s.pending = i, 1
}

// flush moves the pending entries into buckets.
func (s *series) flush() {
	if s.pending > 0 {
		s.buckets.add(s.cur, s.pending)
		s.pending = 0
	}
}

// all yields every bucket of the series that holds entries and its
// count, the pending entries included, in no order.
func (s *series) all() iter.Seq2[int64, int64] {
	return func(yield func(int64, int64) bool) {
		held := s.buckets.get(s.cur) != 0
		for i, n := range s.buckets.all() {
			if s.pending > 0 && i == s.cur {
				n += s.pending
			}
			if !yield(i, n) {
				return
			}
		}
		if s.pending > 0 && !held {
			yield(s.cur, s.pending)
		}
	}
}

// NewHistogram returns an empty histogram with buckets of the given width
// (DefaultBucket when width <= 0), counting per key k as well when k is
// valid (pass Key{} for totals only).
func NewHistogram(width time.Duration, k Key) *Histogram {
	if width <= 0 {
		width = DefaultBucket
	}
	h := &Histogram{width: width, requested: width, key: k, maxBuckets: MaxBuckets}
	if k.Valid() {
		h.keys = newKeyTable(k)
	}
	return h
}

// SpanAtMost bounds the buckets h spans to n (from 1 to MaxBuckets), as
// MaxBuckets bounds every histogram: past n buckets, the buckets double in
// width. A histogram by key holds a count for every bucket a key was seen
// in, so a view that draws n bars need not count finer: a page's chart of
// a day by user holds 1,440 one-minute buckets of every user otherwise.
// It returns h, and must be called before h counts.
func (h *Histogram) SpanAtMost(n int) *Histogram {
	h.maxBuckets = min(max(int64(n), 1), MaxBuckets)
	return h
}

// shareKeys numbers h's keys with the table s shares, if h is empty.
func (h *Histogram) shareKeys(s *Set) {
	if t := s.keyTable(h.key); t != nil && h.keys != nil && h.total == 0 && len(h.keys.values) == 0 {
		h.keys = t
	}
}

// seriesOf returns the series of key number id.
func (h *Histogram) seriesOf(id int32) *series {
	h.series = grown(h.series, id)
	return &h.series[id]
}

// keyed yields the series that count entries, with their keys, by number.
func (h *Histogram) keyed() iter.Seq2[string, *series] {
	return func(yield func(string, *series) bool) {
		for id := range h.series {
			if s := &h.series[id]; s.total > 0 && !yield(h.keys.values[id], s) {
				return
			}
		}
	}
}

// Width is the width of the histogram's buckets.
func (h *Histogram) Width() time.Duration { return h.width }

// Fields is the set of event fields Histogram reads.
func (h *Histogram) Fields() auditlog.Fields {
	f := auditlog.FieldRequestReceivedTimestamp
	if h.key.Valid() {
		f |= h.key.Fields()
	}
	return f
}

// Add counts e in its bucket. Entries with no requestReceivedTimestamp are
// only counted in NoTime.
func (h *Histogram) Add(e *auditlog.Entry) {
	h.total++
	t := e.Event.RequestReceivedTimestamp.Time
	if t.IsZero() {
		h.noTime++
		return
	}
	i := bucketIndex(t, h.width)
	if !h.counted || i < h.first || i > h.last {
		i = h.span(i)
	}
	h.totals.add(i, 1)
	if !h.key.Valid() {
		return
	}
	id, ok := h.keys.of(e)
	if !ok {
		h.noKey++
		return
	}
	h.seriesOf(id).add(i)
}

// span makes bucket i, of the current width, one the histogram counts:
// it widens the buckets while the first to the last would be more than
// maxBuckets, and returns i's bucket at the width it ends with.
func (h *Histogram) span(i int64) int64 {
	if !h.counted {
		h.counted, h.first, h.last = true, i, i
		return i
	}
	h.first, h.last = min(h.first, i), max(h.last, i)
	factor := int64(1)
	for floorDiv(h.last, factor)-floorDiv(h.first, factor) >= h.maxBuckets {
		factor *= 2
	}
	if factor > 1 {
		h.widen(factor)
	}
	return floorDiv(i, factor)
}

// widen multiplies the width of the buckets by factor, adding up the
// counts of the buckets that become one.
func (h *Histogram) widen(factor int64) {
	h.width *= time.Duration(factor)
	h.first, h.last = floorDiv(h.first, factor), floorDiv(h.last, factor)
	h.totals = h.totals.rebucket(factor)
	for _, s := range h.keyed() {
		s.flush()
		s.buckets = s.buckets.rebucket(factor)
	}
}

// floorDiv is i/d rounded down (d > 0).
func floorDiv(i, d int64) int64 {
	q := i / d
	if i%d < 0 {
		q--
	}
	return q
}

// Merge adds the counts of o, a histogram of the same key and requested
// width, to h. o is not changed. When either was widened, the merged one
// has the wider buckets, or wider still if the two together span more than
// MaxBuckets.
func (h *Histogram) Merge(o *Histogram) {
	if o.width > h.width {
		h.widen(int64(o.width / h.width))
	}
	if o.counted {
		h.span(floorDiv(o.first, int64(h.width/o.width)))
		h.span(floorDiv(o.last, int64(h.width/o.width)))
	}
	factor := int64(h.width / o.width)
	h.total += o.total
	h.noTime += o.noTime
	h.noKey += o.noKey
	for i, n := range o.totals.all() {
		h.totals.add(floorDiv(i, factor), n)
	}
	for k, os := range o.keyed() {
		s := h.seriesOf(h.keys.numberString(k))
		s.total += os.total
		s.flush()
		for i, n := range os.all() {
			s.buckets.add(floorDiv(i, factor), n)
		}
	}
}

// Bucket is one time bucket of a HistogramResult.
type Bucket struct {
	// Start is the start of the bucket, UTC; it ends Width later.
	Start time.Time `json:"start"`
	// Count is the number of entries in the bucket.
	Count int64 `json:"count"`
	// Top are the keys with the most entries in the bucket, by count then key.
	Top []Row `json:"top,omitempty"`
}

// Peak is the busiest bucket of one key.
type Peak struct {
	// Key is the key, as in Row.
	Key string `json:"key"`
	// Parts are the parts of a composite key.
	Parts []string `json:"parts,omitempty"`
	// Total is the key's count over the whole log.
	Total int64 `json:"total"`
	// Start is the start of the key's busiest bucket (the earliest of equals).
	Start time.Time `json:"start"`
	// Count is the key's count in that bucket.
	Count int64 `json:"count"`
	// PerSecond is Count divided by the bucket width in seconds.
	PerSecond float64 `json:"perSecond"`
}

// HistogramResult is what a Histogram counted.
type HistogramResult struct {
	// Width is the bucket width (nanoseconds in JSON).
	Width time.Duration `json:"width"`
	// RequestedWidth is the width asked for when the histogram had to
	// widen its buckets to span the log in at most MaxBuckets; 0 when it
	// did not.
	RequestedWidth time.Duration `json:"requestedWidth,omitempty"`
	// By is the key's name; "" when counting totals only.
	By string `json:"by,omitempty"`
	// Total is the number of entries added.
	Total int64 `json:"total"`
	// NoTime is the number of entries with no requestReceivedTimestamp.
	NoTime int64 `json:"noTime"`
	// NoKey is the number of timed entries that had no key.
	NoKey int64 `json:"noKey"`
	// Buckets are the buckets that hold entries, in time order. Buckets
	// missing between two of them are empty.
	Buckets []Bucket `json:"buckets"`
	// Peaks are the busiest bucket of each key, by peak count (largest
	// first), then key.
	Peaks []Peak `json:"peaks,omitempty"`
}

// Result returns every non-empty bucket with its top perBucket keys (none
// when perBucket <= 0), and the peaks of the topKeys keys with the highest
// peaks (every key when topKeys <= 0).
func (h *Histogram) Result(perBucket, topKeys int) HistogramResult {
	res := HistogramResult{Width: h.width, Total: h.total, NoTime: h.noTime, NoKey: h.noKey}
	if h.width != h.requested {
		res.RequestedWidth = h.requested
	}
	if h.key.Valid() {
		res.By = h.key.Name()
	}
	var idx []int64
	for i := range h.totals.all() {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	res.Buckets = make([]Bucket, len(idx))
	for j, i := range idx {
		res.Buckets[j] = Bucket{Start: bucketStart(i, h.width), Count: h.totals.get(i)}
	}
	if !h.key.Valid() {
		return res
	}
	if perBucket > 0 {
		// A key has one series, so each bucket sees a key once: its top
		// keys are kept as they come, perBucket of them, not counted in a
		// map of every key.
		pos := positions(idx)
		tops := make([][]keyCount, len(idx))
		for k, s := range h.keyed() {
			for i, n := range s.all() {
				j := pos(i)
				tops[j] = keepTop(tops[j], keyCount{k, n}, perBucket)
			}
		}
		for j, top := range tops {
			res.Buckets[j].Top = sortedRows(h.key, top, perBucket, nil)
		}
	}
	res.Peaks = h.peaks(topKeys)
	return res
}

// keepTop adds c to top, the first of at most n keys by count (largest
// first) then key, in that order, when c is among them.
func keepTop(top []keyCount, c keyCount, n int) []keyCount {
	switch {
	case len(top) < n:
		top = append(top, c)
	case compareCountKey(c.count, top[n-1].count, c.key, top[n-1].key) < 0:
		top[n-1] = c
	default:
		return top
	}
	for i := len(top) - 1; i > 0 && compareCountKey(top[i].count, top[i-1].count, top[i].key, top[i-1].key) < 0; i-- {
		top[i], top[i-1] = top[i-1], top[i]
	}
	return top
}

// positions returns the position of a bucket in idx, sorted buckets that
// hold it: an index into a slice when they are dense, a map otherwise.
func positions(idx []int64) func(int64) int {
	if len(idx) == 0 {
		return func(int64) int { return -1 }
	}
	first, span := idx[0], idx[len(idx)-1]-idx[0]+1
	if span <= denseSlack*int64(len(idx))+denseMin {
		at := make([]int32, span)
		for j, i := range idx {
			at[i-first] = int32(j)
		}
		return func(i int64) int { return int(at[i-first]) }
	}
	at := make(map[int64]int, len(idx))
	for j, i := range idx {
		at[i] = j
	}
	return func(i int64) int { return at[i] }
}

func (h *Histogram) peaks(n int) []Peak {
	peaks := make([]Peak, 0, len(h.series))
	for k, s := range h.keyed() {
		var bi, bn int64
		first := true
		for i, c := range s.all() {
			if first || c > bn || c == bn && i < bi {
				bi, bn, first = i, c, false
			}
		}
		p := Peak{Total: s.total, Start: bucketStart(bi, h.width), Count: bn,
			PerSecond: float64(bn) / h.width.Seconds()}
		p.Key = k // display form set below, after sorting on the stored key
		peaks = append(peaks, p)
	}
	slices.SortFunc(peaks, func(a, b Peak) int { return compareCountKey(a.Count, b.Count, a.Key, b.Key) })
	if n > 0 && len(peaks) > n {
		peaks = peaks[:n]
	}
	for i := range peaks {
		peaks[i].Key, peaks[i].Parts = h.key.displayKey(peaks[i].Key)
	}
	return peaks
}

// Change is how one key's share of the entries in a window compares with
// its share of the entries outside it.
type Change struct {
	// Key is the key, as in Row.
	Key string `json:"key"`
	// Parts are the parts of a composite key.
	Parts []string `json:"parts,omitempty"`
	// In and Out are the key's counts inside and outside the window.
	In  int64 `json:"in"`
	Out int64 `json:"out"`
	// ShareIn and ShareOut are In and Out as fractions of all entries inside
	// and outside the window (0 when there are none).
	ShareIn  float64 `json:"shareIn"`
	ShareOut float64 `json:"shareOut"`
	// Growth is ShareIn - ShareOut: how many percentage points (over 100)
	// the key gained in the window.
	Growth float64 `json:"growth"`
}

// ChangeResult compares a window of a histogram with the rest of it.
type ChangeResult struct {
	// From and To bound the window: buckets that start at or after From and
	// before To are in it.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// In and Out count every entry with a time inside and outside the window.
	In  int64 `json:"in"`
	Out int64 `json:"out"`
	// Rows are the keys whose share grew most, by Growth (largest first),
	// then key.
	Rows []Change `json:"rows"`
}

// Changed compares the window [from, to) with the rest of the log: for each
// key, its share of the entries in the window against its share of the
// entries outside, and returns the n keys whose share grew most (every key
// when n <= 0). A bucket is in the window when its start is: the result's
// From and To are the window aligned on buckets (see AlignWindow; when the
// histogram was widened, on its wider buckets).
func (h *Histogram) Changed(from, to time.Time, n int) ChangeResult {
	from, to = AlignWindow(from, to, h.width)
	res := ChangeResult{From: from, To: to}
	in := func(i int64) bool {
		s := bucketStart(i, h.width)
		return !s.Before(from) && s.Before(to)
	}
	for i, c := range h.totals.all() {
		if in(i) {
			res.In += c
		} else {
			res.Out += c
		}
	}
	share := func(n, of int64) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	for k, s := range h.keyed() {
		var c Change
		for i, n := range s.all() {
			if in(i) {
				c.In += n
			} else {
				c.Out += n
			}
		}
		c.ShareIn, c.ShareOut = share(c.In, res.In), share(c.Out, res.Out)
		c.Growth = c.ShareIn - c.ShareOut
		c.Key = k
		res.Rows = append(res.Rows, c)
	}
	slices.SortFunc(res.Rows, func(a, b Change) int {
		return cmp.Or(cmp.Compare(b.Growth, a.Growth), cmp.Compare(b.In, a.In), cmp.Compare(a.Key, b.Key))
	})
	if n > 0 && len(res.Rows) > n {
		res.Rows = res.Rows[:n]
	}
	for i := range res.Rows {
		res.Rows[i].Key, res.Rows[i].Parts = h.key.displayKey(res.Rows[i].Key)
	}
	return res
}
