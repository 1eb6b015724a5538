package findings

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/internal/evict"
)

// objectTable holds an objectRate for the busiest of the objects the
// users requested (a user, a verb or kind, a path), in at most max rows,
// however many objects the input names: a large capture names hundreds of
// thousands of objects once or twice, and the findings need the few that
// are requested hundreds of times.
//
// It is a heavy-hitters summary in the manner of Space-Saving (Metwally,
// Agrawal and El Abbadi, 2005): when the table is full, the half of its
// rows with the fewest requests (the least recently requested first among
// equals) is let go, and a key that comes back starts a new row. A row
// counts exactly the requests seen since it was kept; its uncounted field
// is the most requests of its key that may have gone with rows let go
// before (floor, when the row began). An object requested more often than
// the rows let go were is never let go, so a hot loop's row keeps every
// request but those before its first eviction round, which uncounted
// bounds. Below max objects nothing is let go and every count is exact.
type objectTable struct {
	index map[string]int32 // key → position in rows
	// rows are in chunks, so that growing never copies them.
	rows [][]objectSlot
	n    int32   // positions used in rows
	free []int32 // positions of rows let go, to reuse
	max  int
	// floor is the most requests a key without a row may have had: the
	// largest count (with its uncounted part) of a row let go.
	floor int64
	// dropped counts the requests of the rows let go.
	dropped int64
	key     []byte
	order   []uint64 // scratch of evict
}

// objectSlot is a row of an objectTable; key is "" in a free slot.
type objectSlot struct {
	key     string // user, NUL, kind (a verb...), NUL, path
	userLen int32
	// uncounted is the most requests of the key that may have gone
	// uncounted before the row was kept.
	uncounted int64
	rate      objectRate
}

// chunkRows is the number of rows of a chunk of objectTable.rows.
const chunkRows = 1024

// at returns the row at position i.
func (t *objectTable) at(i int32) *objectSlot { return &t.rows[i/chunkRows][i%chunkRows] }

// bound is the most requests the slot's key may have had.
func (s *objectSlot) bound() int64 { return s.rate.count + s.uncounted }

func newObjectTable(max int) objectTable {
	return objectTable{index: make(map[string]int32), max: max}
}

// get returns the rate of user's object (a kind, NUL, a path), adding a
// row when new. The pointer is valid until the next call of get.
func (t *objectTable) get(user, object []byte) *objectRate {
	t.key = append(t.key[:0], user...)
	t.key = append(t.key, 0)
	t.key = append(t.key, object...)
	return &t.slot(t.key, len(user)).rate
}

// slot returns the row of key (user of userLen bytes, NUL, object),
// adding it when new.
func (t *objectTable) slot(key []byte, userLen int) *objectSlot {
	if i, ok := t.index[string(key)]; ok {
		return t.at(i)
	}
	if len(t.index) >= t.max {
		t.evict()
	}
	var i int32
	if n := len(t.free); n > 0 {
		i, t.free = t.free[n-1], t.free[:n-1]
	} else {
		i = t.n
		t.n++
		if int(i) == len(t.rows)*chunkRows {
			t.rows = append(t.rows, make([]objectSlot, chunkRows))
		}
	}
	s := t.at(i)
	s.key, s.userLen, s.uncounted = string(key), int32(userLen), t.floor
	t.index[s.key] = i
	return s
}

// evict lets go of about half of the rows (see evict.Cut): those with the
// fewest requests, the least recently requested first among equals (to
// the second).
func (t *objectTable) evict() {
	t.order = t.order[:0]
	for i := range t.n {
		if s := t.at(i); s.key != "" {
			t.order = append(t.order, s.evictionOrder())
		}
	}
	cut := evict.Cut(t.order)
	for i := range t.n {
		s := t.at(i)
		if s.key == "" || s.evictionOrder() > cut {
			continue
		}
		t.floor = max(t.floor, s.bound())
		t.dropped += s.rate.count
		delete(t.index, s.key)
		// Keep the minutes' array for the next row.
		*s = objectSlot{rate: objectRate{minutes: s.rate.minutes[:0]}}
		t.free = append(t.free, i)
	}
}

// evictionOrder orders the slot among those to let go: by its bound
// (capped at 2^24), then by the second of its last request.
func (s *objectSlot) evictionOrder() uint64 {
	const secondBits = 40
	last := uint64(max(s.rate.span.last, 0)/int64(time.Second)) & (1<<secondBits - 1)
	return uint64(min(s.bound(), 1<<24-1))<<secondBits | last
}

// merge adds the rows of o to t. A key that has a row in one table and
// not in the other may have had up to the other's floor requests there:
// its uncounted part grows by that floor.
func (t *objectTable) merge(o *objectTable) {
	if o.floor > 0 {
		for i := range t.n {
			if s := t.at(i); s.key != "" {
				if _, ok := o.index[s.key]; !ok {
					s.uncounted += o.floor
				}
			}
		}
	}
	floor := t.floor + o.floor
	t.dropped += o.dropped
	for i := range o.n {
		os := o.at(i)
		if os.key == "" {
			continue
		}
		s := t.slot([]byte(os.key), int(os.userLen))
		s.uncounted += os.uncounted
		s.rate.merge(&os.rate)
	}
	t.floor = max(t.floor, floor)
}

// objectRow is one user's object and its rate.
type objectRow struct {
	user, kind, path string
	// uncounted is the most requests of the object that went uncounted.
	uncounted int64
	rate      *objectRate
}

// all returns every row, by count (largest first), then user, kind and
// path.
func (t *objectTable) all() []objectRow {
	out := make([]objectRow, 0, len(t.index))
	for _, i := range t.index {
		s := t.at(i)
		kind, path, _ := strings.Cut(s.key[s.userLen+1:], "\x00")
		out = append(out, objectRow{s.key[:s.userLen], kind, path, s.uncounted, &s.rate})
	}
	slices.SortFunc(out, func(a, b objectRow) int {
		return cmp.Or(cmp.Compare(b.rate.count, a.rate.count), cmp.Compare(a.user, b.user),
			cmp.Compare(a.kind, b.kind), cmp.Compare(a.path, b.path))
	})
	return out
}

// appendUncounted appends to a row's numbers how many of its requests may
// have gone uncounted (objectTable), when any may have.
func appendUncounted(numbers []Number, uncounted int64) []Number {
	if uncounted == 0 {
		return numbers
	}
	return append(numbers, Number{Name: "uncounted at most", Value: float64(uncounted), Unit: UnitRequests})
}

// loops are the rows of a per-object finding (hot-loop, write-churn).
type loops struct {
	rows  []Evidence
	total int64 // the requests of the rows
	// worstPeak and worstHot are the first row's peak a minute and
	// minutes above the limit.
	worstPeak int64
	worstHot  int
}

// loops returns, as evidence, the objects of t requested more than limit
// times a minute in at least minutes minutes, by count, each named by
// what (of its kind and path), with the drill-down commands of b.
func (t *objectTable) loops(b *base, limit, minutes int, what func(kind, path string) string) loops {
	var l loops
	for _, k := range t.all() {
		hot, peak := k.rate.minutes.over(limit)
		if hot < minutes {
			continue
		}
		ev := k.rate.evidence(k.user, what(k.kind, k.path))
		ev.Share = share(k.rate.count, b.requests)
		ev.Numbers = []Number{
			{Name: "peak", Value: float64(peak), Unit: UnitPerMinute},
			{Name: "minutes above the limit", Value: float64(hot)},
		}
		ev.Numbers = appendUncounted(ev.Numbers, k.uncounted)
		ev.Command = b.cmds.user(k.user)
		ev.SamplesCommand = b.cmds.samples(ev.Samples)
		l.rows = append(l.rows, ev)
		l.total += k.rate.count
		if len(l.rows) == 1 {
			l.worstPeak, l.worstHot = peak, hot
		}
	}
	return l
}

// finding returns the finding of the loops, which must have a row: of
// medium severity, with its numbers and its rows as b shows them;
// countName names the requests counted, limit is the rate a minute the
// rows passed.
func (l *loops) finding(b *base, id, title, countName string, limit int) Finding {
	shown, more := b.rowsOf(l.rows)
	return Finding{
		ID:        id,
		Severity:  Medium,
		Title:     title,
		Magnitude: l.total,
		Numbers: []Number{
			{Name: countName, Value: float64(l.total), Unit: UnitRequests},
			{Name: "objects", Value: float64(len(l.rows))},
			{Name: "limit", Value: float64(limit), Unit: UnitPerMinute},
		},
		ShareOf:  "all requests",
		Rows:     shown,
		MoreRows: more,
		Command:  l.rows[0].Command,
	}
}
