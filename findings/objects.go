package findings

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/internal/batch"
	"github.com/auditlens/auditlens/internal/heavy"
)

// objectTable holds an objectRate for the busiest of the objects the
// users requested (a user, a verb or kind, a path), in at most max rows,
// however many objects the input names: a large capture names hundreds of
// thousands of objects once or twice, and the findings need the few that
// are requested hundreds of times.
//
// It is a heavy-hitters summary (internal/heavy): when the table is full,
// the half of its rows with the fewest requests (the least recently
// requested first among equals) is let go, and a key that comes back
// starts a new row. A row counts exactly the requests seen since it was
// kept; the summary knows the most requests of its key that may have gone
// with rows let go before. An object requested more often than the rows
// let go were is never let go, so a hot loop's row keeps every request but
// those before its first eviction round, which the summary bounds. Below
// max objects nothing is let go and every count is exact.
//
// Once it has let rows go, the table keeps a row only for a key requested
// more than heavy.DoorAbsorb times: a doorkeeper (heavy.Door) counts the
// first requests of a key without a row, and lets it in once its counter
// is past that; the requests it held are let go (counted in letGo) and its
// floor is raised by heavy.DoorAbsorb, which bounds them. A capture that
// names hundreds of thousands of objects once or twice so no longer makes
// a row, and then lets it go, for each of them.
type objectTable struct {
	// index finds a row's position by the hash of its key (keyHash).
	index hashIndex
	// rows are in chunks, so that growing never copies them.
	rows [][]objectSlot
	n    int32   // positions used in rows
	free []int32 // positions of rows let go, to reuse
	max  int
	sum  heavy.Summary
	// keys holds the rows' keys, so that a new row allocates nothing of
	// its own; when rows are let go and it holds more than twice the live
	// rows' keys, they are copied to a new one and the old is freed: it
	// never holds more than about three times the live keys.
	keys keyArena
	key  []byte
	// door is the doorkeeper's counters, nil until rows are let go;
	// doorHeld is the requests it held.
	door     heavy.Door
	doorHeld int64
	// pending is the requests counted but not yet added to their rows,
	// with their keys one after the other in pendingKeys (see count);
	// touched sums what touch read.
	pending     []pendingObject
	pendingKeys []byte
	hashes      []uint64 // a batch's hashes, for touch
	touched     uint64
}

// pendingObject is a request an objectTable has yet to add to its row:
// the key's end in objectTable.pendingKeys (it starts where the previous
// request's ends), its hash and the length of its user, and what the row
// counts of it.
type pendingObject struct {
	h          uint64
	end, idEnd int32 // the key ends at end, the sampled auditID at idEnd
	userLen    int32
	hit        objectHit // its auditID is in pendingKeys
}

// keySeed is the seed of the objects' key hashes: the same for every
// table, so that merging hashes each key once.
var keySeed = maphash.MakeSeed()

// keyHash is the hash of an objectTable key.
func keyHash(key []byte) uint64 { return maphash.Bytes(keySeed, key) }

// keyArena stores strings in large chunks: a string added is a part of a
// chunk, never copied again until the arena is rebuilt. A chunk is a
// strings.Builder that never grows past the capacity it was given, so the
// strings already taken from it never change.
type keyArena struct {
	cur  strings.Builder
	size int // bytes held, in every chunk
}

// arenaChunk is the size of a chunk of keyArena.
const arenaChunk = 64 << 10

// add returns a copy of b held in the arena.
func (a *keyArena) add(b []byte) string {
	a.room(len(b))
	start := a.cur.Len()
	a.cur.Write(b)
	a.size += len(b)
	return a.cur.String()[start:]
}

// addString returns a copy of s held in the arena.
func (a *keyArena) addString(s string) string {
	a.room(len(s))
	start := a.cur.Len()
	a.cur.WriteString(s)
	a.size += len(s)
	return a.cur.String()[start:]
}

// room starts a new chunk unless the current one has n bytes free.
func (a *keyArena) room(n int) {
	if a.cur.Cap()-a.cur.Len() < n {
		a.cur = strings.Builder{}
		a.cur.Grow(max(arenaChunk, n))
	}
}

// objectSlot is a row of an objectTable; key is "" in a free slot.
type objectSlot struct {
	key     string // user, NUL, kind (a verb...), NUL, path
	hash    uint64 // keyHash(key)
	userLen int32
	rate    objectRate
}

// chunkRows is the number of rows of a chunk of objectTable.rows.
const chunkRows = 1024

// at returns the row at position i.
func (t *objectTable) at(i int32) *objectSlot { return &t.rows[i/chunkRows][i%chunkRows] }

// bound is the most requests the key of the row at position i may have
// had.
func (t *objectTable) bound(i int32) int64 { return t.at(i).rate.count + t.sum.Lacks(i) }

// letGo is the number of requests of the rows let go, and the most
// requests an object without a row may have had.
func (t *objectTable) letGo() (int64, int64) {
	t.flush()
	return t.sum.Dropped() + t.doorHeld, t.sum.Floor()
}

func newObjectTable(max int) objectTable {
	return objectTable{max: max}
}

// get returns the rate of user's object (a kind, NUL, a path), adding a
// row when new, or nil when the doorkeeper holds the request. The pointer
// is valid until the next call of get.
func (t *objectTable) get(user, object []byte) *objectRate {
	t.key = append(t.key[:0], user...)
	t.key = append(t.key, 0)
	t.key = append(t.key, object...)
	return t.getHashed(t.key, keyHash(t.key), len(user))
}

// count counts a request of key (user of userLen bytes, NUL, object),
// whose hash is h: the key a request's facts built once for every table
// (facts.objectKey). The table holds requests in batches (batch.Max, and
// batch.Bytes of keys) before it adds them to their rows, in the order
// counted (see flush); every method that reads the rows adds them first.
func (t *objectTable) count(key []byte, h uint64, userLen int, hit objectHit) {
	t.pendingKeys = append(t.pendingKeys, key...)
	end := int32(len(t.pendingKeys))
	t.pendingKeys = append(t.pendingKeys, hit.auditID...)
	hit.auditID = ""
	t.pending = append(t.pending, pendingObject{h: h, end: end, idEnd: int32(len(t.pendingKeys)), userLen: int32(userLen), hit: hit})
	if batch.Full(len(t.pending), len(t.pendingKeys)) {
		t.flush()
	}
}

// flush adds the pending requests to their rows, in the order they were
// counted. A large table's rows are mostly out of the processor's caches,
// and adding one request waits for three or four reads from memory (the
// index, the row, its key, its minutes); touch first reads what every
// pending request will need, in passes whose reads do not wait for one
// another, so that the batch's waits overlap.
func (t *objectTable) flush() {
	if len(t.pending) == 0 {
		return
	}
	t.hashes = t.hashes[:0]
	for i := range t.pending {
		t.hashes = append(t.hashes, t.pending[i].h)
	}
	t.touch(t.hashes)
	start := int32(0)
	for i := range t.pending {
		p := &t.pending[i]
		if o := t.getHashed(t.pendingKeys[start:p.end], p.h, int(p.userLen)); o != nil {
			o.add(&p.hit, t.pendingKeys[p.end:p.idEnd])
		}
		start = p.idEnd
	}
	t.pending = t.pending[:0]
	t.pendingKeys = batch.Emptied(t.pendingKeys)
}

// touch reads, for each of the hashes (of the pending requests, or of
// rows to merge), the memory adding it will read, and changes nothing:
// the index slot the hash points to; then the row that slot names when
// its tag is the hash's (or else the doorkeeper's counter); then that
// row's key and its last minutes. Each pass reads one line per request,
// independent of the other requests', so the processor fetches many at
// once. What it reads is summed in t.touched, so that the compiler keeps
// the reads.
func (t *objectTable) touch(hashes []uint64) {
	slots := t.index.slots
	if len(slots) == 0 {
		return
	}
	mask := uint32(len(slots) - 1)
	var sum uint64
	for _, h := range hashes {
		sum += uint64(slots[tagOf(h)&mask].pos1)
	}
	for _, h := range hashes {
		if s := slots[tagOf(h)&mask]; s.pos1 != 0 && s.tag == tagOf(h) {
			r := t.at(s.pos1 - 1)
			sum += r.hash + r.rate.minutes.latest
		} else if t.door != nil {
			sum += uint64(t.door.Peek(h))
		}
	}
	for _, h := range hashes {
		if s := slots[tagOf(h)&mask]; s.pos1 != 0 && s.tag == tagOf(h) {
			r := t.at(s.pos1 - 1)
			if len(r.key) > 0 {
				sum += uint64(r.key[len(r.key)-1])
			}
			if d := r.rate.minutes.done; len(d) > 0 {
				sum += d[len(d)-1]
			}
		}
	}
	t.touched = sum
}

// getHashed is get of a key (user of userLen bytes, NUL, object) whose
// hash is h: the key a request's facts built once for every table
// (facts.objectKey).
func (t *objectTable) getHashed(key []byte, h uint64, userLen int) *objectRate {
	i, ok := t.lookup(key, h)
	if !ok {
		if t.door != nil && t.door.Hold(h) {
			t.doorHeld++
			return nil
		}
		i = t.add(key, h, userLen)
	}
	return &t.at(i).rate
}

// lookup returns the position of the row of key, whose hash is h.
func (t *objectTable) lookup(key []byte, h uint64) (int32, bool) {
	return t.index.find(h, func(i int32) bool {
		s := t.at(i)
		return s.hash == h && s.key == string(key)
	})
}

// slot returns the position of the row of key (user of userLen bytes,
// NUL, object), adding it when new.
func (t *objectTable) slot(key []byte, userLen int) int32 {
	return t.slotHashed(key, keyHash(key), userLen)
}

// slotHashed is slot of a key whose hash is h.
func (t *objectTable) slotHashed(key []byte, h uint64, userLen int) int32 {
	if i, ok := t.lookup(key, h); ok {
		return i
	}
	return t.add(key, h, userLen)
}

// add adds a row for key, whose hash is h and which has none, and returns
// its position.
func (t *objectTable) add(key []byte, h uint64, userLen int) int32 {
	if int(t.n)-len(t.free) >= t.max {
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
	s.key, s.hash, s.userLen = t.keys.add(key), h, int32(userLen)
	t.index.insert(h, i)
	t.sum.Admit(i)
	return i
}

// evict lets go of about half of the rows (see heavy.Summary.Evict):
// those with the fewest requests, the least recently requested first
// among equals (to the second); then, when the arena holds more than
// twice the live rows' keys, copies them to a new arena, so that the old
// one, with the keys let go, is freed.
func (t *objectTable) evict() {
	t.sum.Evict(t.n, func(i int32) heavy.Row {
		s := t.at(i)
		return heavy.Row{Live: s.key != "", Count: s.rate.count, At: s.rate.span.last}
	}, func(i int32) {
		s := t.at(i)
		t.index.remove(s.hash, i)
		// Keep the minutes' array for the next row.
		*s = objectSlot{rate: objectRate{minutes: s.rate.minutes.reset()}}
		t.free = append(t.free, i)
	})
	if t.door == nil {
		t.door = heavy.NewDoor(heavy.DoorLen(t.max))
		t.sum.RaiseFloor(heavy.DoorAbsorb)
	}
	live := 0
	for i := range t.n {
		live += len(t.at(i).key)
	}
	if t.keys.size <= 2*live {
		return
	}
	t.keys = keyArena{}
	for i := range t.n {
		if s := t.at(i); s.key != "" {
			s.key = t.keys.addString(s.key)
		}
	}
}

// merge adds the rows of o to t. A key that has a row in one table and
// not in the other may have had up to the other's floor requests there.
func (t *objectTable) merge(o *objectTable) {
	t.flush()
	o.flush()
	t.sum.BeginMerge(t.n)
	var held []int32 // rows of o, their hashes in t.hashes
	add := func() {
		t.touch(t.hashes)
		for _, i := range held {
			os := o.at(i)
			j := t.slotHashed(append(t.key[:0], os.key...), os.hash, int(os.userLen))
			t.sum.Merged(j, o.sum.Lacks(i))
			t.at(j).rate.merge(&os.rate)
		}
		held, t.hashes = held[:0], t.hashes[:0]
	}
	t.hashes = t.hashes[:0]
	for i := range o.n {
		if os := o.at(i); os.key != "" {
			held = append(held, i)
			t.hashes = append(t.hashes, os.hash)
			if len(held) == batch.Max {
				add()
			}
		}
	}
	add()
	t.sum.EndMerge(&o.sum, t.n, func(i int32) bool { return t.at(i).key != "" })
	t.doorHeld += o.doorHeld
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
	return t.rowsWhere(func(string, *objectRate) bool { return true })
}

// rowsWhere returns the rows that keep says to keep, of their kind and
// rate, by count (largest first), then user, kind and path: the few rows
// of a finding are picked before sorting, not after.
func (t *objectTable) rowsWhere(keep func(kind string, r *objectRate) bool) []objectRow {
	t.flush()
	var out []objectRow
	for i := range t.n {
		s := t.at(i)
		if s.key == "" {
			continue
		}
		kind, path, _ := strings.Cut(s.key[s.userLen+1:], "\x00")
		if !keep(kind, &s.rate) {
			continue
		}
		out = append(out, objectRow{s.key[:s.userLen], kind, path, t.sum.Lacks(i), &s.rate})
	}
	slices.SortFunc(out, compareObjectRows)
	return out
}

// compareObjectRows orders rows by count (largest first), then user, kind
// and path.
func compareObjectRows(a, b objectRow) int {
	return cmp.Or(cmp.Compare(b.rate.count, a.rate.count), cmp.Compare(a.user, b.user),
		cmp.Compare(a.kind, b.kind), cmp.Compare(a.path, b.path))
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
	// onset is the first minute a row went over the limit, Unix
	// nanoseconds; 0 when unknown.
	onset int64
	// at is the requests of the rows over time.
	at series
}

// loopRule says which rows of an objectTable are loops: rows of the kinds
// kinds says to look at, more than limit requests a minute in at least
// minutes minutes; the rows of a kind that as names another kind (apply
// as patch) count with that kind's row of the same user and path, as one
// row of that kind; what names a row of its kind and path.
type loopRule struct {
	limit, minutes int
	kinds          func(kind string) bool
	as             map[string]string
	what           func(kind, path string) string
}

// loops reports whether r is a loop by the rule's rates.
func (lr *loopRule) loops(r *objectRate) bool {
	// A row needs more than limit requests in each of minutes minutes.
	if r.count <= int64(lr.limit)*int64(lr.minutes) {
		return false
	}
	hot, _ := r.minutes.over(lr.limit)
	return hot >= lr.minutes
}

// merges reports whether rows of kind may count with rows of another kind.
func (lr *loopRule) merges(kind string) bool {
	if _, ok := lr.as[kind]; ok {
		return true
	}
	for _, to := range lr.as {
		if to == kind {
			return true
		}
	}
	return false
}

// loopRows returns the rows of t that are loops by lr, those that count
// as one merged (in a rate of their own), by count (largest first), then
// user, kind and path.
func (t *objectTable) loopRows(lr *loopRule) []objectRow {
	rows := t.rowsWhere(func(k string, r *objectRate) bool { return lr.kinds(k) && (lr.merges(k) || lr.loops(r)) })
	if len(lr.as) > 0 {
		at := map[string]int{} // a row's user, kind and path: its place in merged
		merged := rows[:0]
		for _, r := range rows {
			if to, ok := lr.as[r.kind]; ok {
				r.kind = to
			}
			key := r.user + "\x00" + r.kind + "\x00" + r.path
			i, ok := at[key]
			if !ok {
				at[key] = len(merged)
				merged = append(merged, r)
				continue
			}
			m := &merged[i]
			sum := new(objectRate)
			sum.merge(m.rate)
			sum.merge(r.rate)
			m.rate, m.uncounted = sum, m.uncounted+r.uncounted
		}
		rows = slices.DeleteFunc(merged, func(r objectRow) bool { return !lr.loops(r.rate) })
		slices.SortFunc(rows, compareObjectRows)
	}
	return rows
}

// loops returns, as evidence, the rows of t that are loops by lr, by
// count, with the drill-down commands of b.
func (t *objectTable) loops(b *base, lr loopRule) loops {
	var l loops
	for _, k := range t.loopRows(&lr) {
		hot, peak := k.rate.minutes.over(lr.limit)
		ev := k.rate.evidence(k.user, lr.what(k.kind, k.path))
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
		for _, e := range k.rate.minutes.entries() {
			l.at.addMinute(e>>32, e&countMask)
		}
		if o := k.rate.minutes.onset(lr.limit); o > 0 && (l.onset == 0 || o < l.onset) {
			l.onset = o
		}
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
	shown, more, cost := b.rowsOf(l.rows)
	f := Finding{
		ID:        id,
		Group:     GroupLoad,
		Cost:      cost,
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
	b.timeline(&f, l.onset, &l.at)
	return f
}
