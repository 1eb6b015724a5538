package aggregate

import (
	"cmp"
	"encoding/binary"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/batch"
	"github.com/auditlens/auditlens/internal/heavy"
)

// Grouped is the reference tool's -o top --by=verb and --by=httpstatus.
// Within each value of an outer key (the verb, or the HTTP status code), it
// groups requests that have the same URI path, the same query parameters
// apart from timeout, timeoutSeconds, resourceVersion and continue (in any
// order), and the same user (KeyUser: field-manager qualified). Each group
// has a count, a status-code mix of every one of its events, latency
// quantiles and its first URI.
//
// Grouping is by hash: linear time in the number of events. Most groups
// hold a request or two (a get or a watch of one object), so a group is
// kept small: its key, with its user and the folder of its path
// (/api/v1/namespaces/NS/configmaps/, the folder of the object for a
// subresource) as numbers; its first URI without the path the key holds;
// its latencies as in -o latency (the values themselves while there are
// few); its status code, and a mix of codes only once it has several. The
// groups are values in chunks that no map points into, found by an index
// of their positions (groupIndex) hashed on the key as read, so that an
// event of a group already kept numbers neither its user nor its folder:
// about 175 bytes a group with its strings and its place in the index.
type Grouped struct {
	outer   Key
	outers  map[string]*outerGroup
	users   *keyTable // users, field-manager qualified (KeyUser): shared in a Set
	dirs    numbers   // paths up to their last slash
	buf     []byte    // scratch: a key as read (see Add)
	key     []byte    // scratch: a group's key
	first   []byte    // scratch: a group's first URI after its path
	pairs   []string
	samples bool // keep samples (KeepSamples)
	// most is the most groups an outer key keeps (KeepAtMost); 0: all.
	most int
	// meanOnly: the groups keep no latency quantiles (MeanLatencyOnly).
	meanOnly bool
	// pending are the events held (see Add), their keys and URIs one
	// after the other in pendingKeys; touchedAt and touched are touch's.
	pending     []pendingEvent
	pendingKeys []byte
	touchedAt   []int32
	touched     uint64
}

type outerGroup struct {
	total  int64
	groups groupIndex // a group's key → its position in rows
	rows   groupRows
	bound  *heavy.Summary // when groups are let go (KeepAtMost)
	// door holds the first events of a group not kept, once groups were
	// let go (see KeepAtMost); nil until then.
	door heavy.Door
}

// groupRows holds groups in chunks, so that growing never copies them,
// nothing points to each, and merging can let go of a chunk after
// another: a first small chunk (most outer keys of some groupings have few
// groups), then chunks of groupChunk.
type groupRows struct {
	chunks [][]group
	n      int32
	free   []int32 // positions of groups let go, zero, to reuse
}

// The sizes of the chunks of groupRows.
const (
	firstGroupChunk = 64
	groupChunk      = 1024
)

// start returns the position of the first group of chunk c.
func (r *groupRows) start(c int) int32 {
	if c == 0 {
		return 0
	}
	return firstGroupChunk + int32(c-1)*groupChunk
}

// add adds gr and returns its position.
func (r *groupRows) add(gr group) int32 {
	if n := len(r.free); n > 0 {
		i := r.free[n-1]
		r.free = r.free[:n-1]
		*r.at(i) = gr
		return i
	}
	i := r.n
	if c := len(r.chunks); i == r.start(c) {
		size := groupChunk
		if c == 0 {
			size = firstGroupChunk
		}
		r.chunks = append(r.chunks, make([]group, size))
	}
	r.n++
	p := r.at(i)
	*p = gr
	return i
}

// at returns the group at position i.
func (r *groupRows) at(i int32) *group {
	if i < firstGroupChunk {
		return &r.chunks[0][i]
	}
	i -= firstGroupChunk
	return &r.chunks[1+i/groupChunk][i%groupChunk]
}

// used returns the groups of chunk c, with the zero groups of free
// positions.
func (r *groupRows) used(c int) []group {
	return r.chunks[c][:min(int32(len(r.chunks[c])), r.n-r.start(c))]
}

// kept yields the groups that are kept (not let go), in the order of
// their positions.
func (r *groupRows) kept() iter.Seq[*group] {
	return func(yield func(*group) bool) {
		for c := range r.chunks {
			for k := range r.used(c) {
				if gr := &r.chunks[c][k]; gr.keyLen > 0 && !yield(gr) {
					return
				}
			}
		}
	}
}

// group is one group of requests, in 88 bytes and one string.
type group struct {
	// data is the group's key, then its first URI without the path (its
	// "?query", or nothing). The key, data[:keyLen], is the length of the
	// last part of the group's path (after the last slash) as a uvarint,
	// that part, its query without the ignored parameters and sorted, then
	// in 4 bytes each the number of the rest of its path in the Grouped's
	// dirs and of its user in its users.
	data string
	// firstAt is the first URI's requestReceivedTimestamp (see timeNanos).
	firstAt int64
	// count is the number of events; latency holds those whose latency
	// is known.
	count   int64
	latency dist
	// mix is the status-code mix once there are several codes, sorted by
	// code; code is the status code of every event until then.
	mix *[]StatusCount
	// samples are the group's samples, when kept (KeepSamples).
	samples *Samples
	keyLen  int32
	code    int32
}

// newGroup returns a group of no events yet with the key, whose first URI
// is the one whose part after the path is first, received at t.
func newGroup(key, first []byte, t int64, code int32) group {
	var data strings.Builder // one allocation for both
	data.Grow(len(key) + len(first))
	data.Write(key)
	data.Write(first)
	return group{data: data.String(), keyLen: int32(len(key)), firstAt: t, code: code}
}

// key is the group's key (see data).
func (gr *group) key() string { return gr.data[:gr.keyLen] }

// first is the group's first URI without its path.
func (gr *group) first() string { return gr.data[gr.keyLen:] }

// appendKeyPrefix appends the start of the key of a group (see
// group.key) whose path ends with base (after its folder) and whose raw
// query is rawQuery: all but the numbers of its folder and user.
func appendKeyPrefix(dst []byte, base, rawQuery string, pairs []string) ([]byte, []string) {
	dst = binary.AppendUvarint(dst, uint64(len(base)))
	dst = append(dst, base...)
	return appendNormalQuery(dst, rawQuery, pairs)
}

// appendNumbers appends the numbers that end a group's key: of the
// folder of its path, and of its user.
func appendNumbers(dst []byte, dir, user uint32) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, dir)
	return binary.LittleEndian.AppendUint32(dst, user)
}

// sameKey says whether the key of gr is the key as read of prefix, the
// folder dir and the user (see Add).
func (g *Grouped) sameKey(gr *group, prefix, dir, user []byte) bool {
	k := gr.key()
	if len(k)-groupKeyTail != len(prefix) || k[:len(prefix)] != string(prefix) {
		return false
	}
	d, u := keyNumbers(k)
	return g.dirs.strings[d] == string(dir) && g.users.values[u] == string(user)
}

// hashOf is the hash of the key of gr as read (see Add), the one its
// outer group's index holds: with the strings of its numbers, so that it
// does not depend on how a Grouped numbers them.
func (g *Grouped) hashOf(gr *group) uint32 {
	k := gr.key()
	dir, user := keyNumbers(k)
	return g.hashKey(k[:len(k)-groupKeyTail], dir, user)
}

// hashKey is the hash of the key as read of the key prefix with the
// numbers dir and user.
func (g *Grouped) hashKey(prefix string, dir, user uint32) uint32 {
	g.buf = append(append(append(g.buf[:0], prefix...), g.dirs.strings[dir]...), g.users.values[user]...)
	return hashGroupKey(g.buf)
}

// groupKeyTail is the length of the numbers that end a group's key.
const groupKeyTail = 8

// parts splits the group's key: the last part of its path, its query,
// and the numbers of the rest of its path and of its user.
func (gr *group) parts() (base, query string, dir, user uint32) {
	k := gr.key()
	n, w := binary.Uvarint([]byte(k[:min(len(k), binary.MaxVarintLen64)]))
	base, query = k[w:w+int(n)], k[w+int(n):len(k)-groupKeyTail]
	dir, user = keyNumbers(k)
	return base, query, dir, user
}

// keyNumbers returns the numbers a group's key ends with: of the rest of
// its path, and of its user.
func keyNumbers(key string) (dir, user uint32) {
	end := len(key) - groupKeyTail
	return binary.LittleEndian.Uint32([]byte(key[end:])), binary.LittleEndian.Uint32([]byte(key[end+4:]))
}

// numbers numbers the strings many groups share (the folders of
// paths), so that a group's key holds a number rather than the string.
type numbers struct {
	ids     map[string]uint32
	strings []string
	last    uint32 // the number id returned last, looked at first
}

// id returns the number of s, numbering it if it is new.
func (t *numbers) id(s []byte) uint32 {
	if int(t.last) < len(t.strings) && t.strings[t.last] == string(s) {
		return t.last
	}
	if id, ok := t.ids[string(s)]; ok {
		t.last = id
		return id
	}
	if t.ids == nil {
		t.ids = make(map[string]uint32)
	}
	id := uint32(len(t.strings))
	t.strings = append(t.strings, string(s))
	t.ids[t.strings[id]] = id
	t.last = id
	return id
}

// renumber returns the numbers in t of the strings of o, by their number
// in o.
func (t *numbers) renumber(o *numbers) []uint32 {
	ids := make([]uint32, len(o.strings))
	for i, s := range o.strings {
		ids[i] = t.id([]byte(s))
	}
	return ids
}

// StatusCount is how many events of a group had an HTTP status code.
type StatusCount struct {
	// Code is responseStatus.code, or -1 for events with no response status.
	Code int32 `json:"code"`
	// Count is the number of events with the code.
	Count int64 `json:"count"`
}

// MeanLatencyOnly makes g keep of each group's latencies their count, sum,
// minimum and maximum, not their distribution, and returns g: Result's
// Latency then has no quantiles (P50, P90 and P99 are 0). The views that
// show a group's mean latency alone (the reference's text view, the HTML
// page) need no more, and a group of many requests then takes no sketch.
func (g *Grouped) MeanLatencyOnly() *Grouped {
	g.meanOnly = true
	return g
}

// NewGrouped returns an empty grouping under outer: KeyVerb or
// KeyHTTPStatus for the reference's views, or any other key.
func NewGrouped(outer Key) *Grouped {
	return &Grouped{outer: outer, outers: make(map[string]*outerGroup), users: newKeyTable(KeyUser)}
}

// shareKeys numbers g's users with the table of KeyUser s shares, if g
// is empty: an event of a new group whose user a count by user has
// numbered takes its number.
func (g *Grouped) shareKeys(s *Set) {
	if len(g.outers) == 0 && len(g.users.values) == 0 {
		g.users = s.keyTable(KeyUser)
	}
}

// Fields is the set of event fields Grouped reads.
func (g *Grouped) Fields() auditlog.Fields {
	return g.outer.Fields() | KeyUser.Fields() | auditlog.FieldRequestURI | auditlog.FieldResponseCode |
		auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp | g.sampleFields()
}

// Add counts e in its group. Entries with no outer key are not counted.
//
// Grouped holds entries in batches (batch.Max, and batch.Bytes of their
// keys and URIs), what their groups count of them copied, before it adds
// them to their groups in the order they came (see flush); Merge and
// Result add those held first.
func (g *Grouped) Add(e *auditlog.Entry) {
	buf, ok := g.outer.Append(g.buf[:0], e)
	if !ok {
		g.buf = buf
		return
	}
	og := g.outers[string(buf)]
	if og == nil {
		og = g.newOuter(0)
		g.outers[string(buf)] = og
	}
	og.total++

	// The key as read: its prefix (see appendKeyPrefix), the path's
	// folder and the user, which a new group numbers. A group found has
	// them numbered already.
	r := e.Request()
	slash := folderEnd(r)
	buf, g.pairs = appendKeyPrefix(buf[:0], r.Path[slash:], r.RawQuery, g.pairs)
	dirAt := len(buf)
	buf = append(buf, r.Path[:slash]...)
	userAt := len(buf)
	buf, _ = appendUser(buf, e)
	g.buf = buf

	k := g.pendingKeys
	start := len(k)
	k = append(k, buf...)
	k = append(k, e.Event.RequestURI[len(r.Path):]...)
	firstEnd := len(k)
	if g.samples {
		k = append(k, e.Event.AuditID...)
	}
	g.pendingKeys = k
	p := pendingEvent{og: og, h: hashGroupKey(buf), at: timeNanos(e.Event.RequestReceivedTimestamp.Time), code: statusCode(e),
		dirAt: int32(start + dirAt), userAt: int32(start + userAt), firstAt: int32(start + len(buf)),
		firstEnd: int32(firstEnd), end: int32(len(k))}
	p.latency, p.hasLatency = e.Latency()
	if g.samples {
		p.idHash = e.SampleHash()
	}
	g.pending = append(g.pending, p)
	if batch.Full(len(g.pending), len(g.pendingKeys)) {
		g.flush()
	}
}

// pendingEvent is an event Grouped holds (see Add): its outer group, the
// hash of its key as read, where the key's parts (prefix, folder, user),
// its first URI's part after the path and its auditID (when samples are
// kept) end in Grouped.pendingKeys (the key starts where the event before
// ends), and what its group counts of it.
type pendingEvent struct {
	og                                    *outerGroup
	h                                     uint32
	dirAt, userAt, firstAt, firstEnd, end int32
	code                                  int32
	at                                    int64
	idHash                                uint64 // SampleHash of the auditID, when samples are kept
	latency                               time.Duration
	hasLatency                            bool
}

// flush adds the events held to their groups, in the order they came. A
// large grouping's groups are mostly out of the processor's caches, and
// finding one waits for reads from memory one after the other (the index,
// the group, its key, its folder and user); touch first reads them for
// every event held, in passes whose reads do not wait for one another.
func (g *Grouped) flush() {
	if len(g.pending) == 0 {
		return
	}
	g.touch()
	k := g.pendingKeys
	start := int32(0)
	for i := range g.pending {
		p := &g.pending[i]
		prefix, dir, user := k[start:p.dirAt], k[p.dirAt:p.userAt], k[p.userAt:p.firstAt]
		first := k[p.firstAt:p.firstEnd]
		var gr *group
		if i, ok := p.og.groups.find(p.h, &p.og.rows, func(gr *group) bool { return g.sameKey(gr, prefix, dir, user) }); ok {
			gr = p.og.rows.at(i)
			gr.offerFirst(p.at, first)
		} else if p.og.door != nil && p.og.door.Hold(uint64(p.h)) {
			start = p.end // held, and let go: the floor covers it
			continue
		} else {
			// Before makeRoom, which hashes keys in g.buf.
			g.key = appendNumbers(append(g.key[:0], prefix...), g.dirs.id(dir), uint32(g.users.number(user)))
			g.makeRoom(p.og)
			i := p.og.rows.add(newGroup(g.key, first, p.at, p.code))
			gr = p.og.rows.at(i)
			p.og.groups.insert(p.h, i)
			p.og.admit(i)
		}
		gr.addStatus(p.code) // before counting the event: it counts the events before
		gr.count++
		if p.hasLatency {
			if g.meanOnly {
				gr.latency.addMoments(p.latency)
			} else {
				gr.latency.add(p.latency)
			}
		}
		if g.samples {
			if gr.samples == nil {
				gr.samples = new(Samples)
			}
			// The auditID is made a string only when it may be kept.
			if gate := gr.samples.gate(); gate == 0 || p.idHash <= gate {
				gr.samples.OfferHashed(p.idHash, string(k[p.firstEnd:p.end]))
			}
		}
		start = p.end
	}
	clear(g.pending) // the outer groups
	g.pending = g.pending[:0]
	g.pendingKeys = batch.Emptied(g.pendingKeys)
}

// touch reads, for each event held, what finding its group will read, and
// changes nothing: the index slot its hash points to; the group that slot
// names when its hash bits match; that group's key (its end, which holds
// the numbers of its folder and user); and those strings. What it reads
// is summed in g.touched, so that the compiler keeps the reads.
func (g *Grouped) touch() {
	var sum uint64
	slot := func(p *pendingEvent) uint64 {
		x := &p.og.groups
		if x.n == 0 {
			return 0
		}
		return x.slots[p.h&uint32(len(x.slots)-1)]
	}
	for i := range g.pending {
		sum += slot(&g.pending[i])
	}
	g.touchedAt = g.touchedAt[:0]
	for i := range g.pending {
		p := &g.pending[i]
		v := slot(p)
		at := int32(-1)
		if v != 0 && uint32(v>>32) == p.h {
			at = int32(uint32(v) - 1)
			sum += uint64(p.og.rows.at(at).keyLen)
		} else if d := p.og.door; d != nil {
			sum += uint64(d.Peek(uint64(p.h)))
		}
		g.touchedAt = append(g.touchedAt, at)
	}
	for i, at := range g.touchedAt {
		if at >= 0 {
			if k := g.pending[i].og.rows.at(at).key(); len(k) >= groupKeyTail {
				d, u := keyNumbers(k)
				if int(d) < len(g.dirs.strings) && int(u) < len(g.users.values) {
					sum += uint64(len(g.dirs.strings[d]) + len(g.users.values[u]))
				}
			}
		}
	}
	g.touched = sum
}

// folderEnd returns the length of the folder of r's path that groups
// number: up to the last slash, or, for a subresource of an object, up to
// the slash before the object's name, so that the groups of the objects
// of a folder (pods/NAME/log, nodes/NAME/proxy/metrics) share it.
func folderEnd(r *auditlog.Request) int {
	if r.Name != "" && r.SubresourcePath != "" {
		// The path ends with /NAME/SUBRESOURCE-PATH.
		n := len(r.Path) - len(r.SubresourcePath) - 1 - len(r.Name)
		if n > 0 && r.Path[n-1] == '/' && r.Path[n:n+len(r.Name)] == r.Name && r.Path[n+len(r.Name)] == '/' &&
			r.Path[n+len(r.Name)+1:] == r.SubresourcePath {
			return n
		}
	}
	return strings.LastIndexByte(r.Path, '/') + 1
}

// timeNanos is t in Unix nanoseconds, clamped to the years int64
// nanoseconds can hold (1678 to 2262); the zero time, earliest of all, is
// math.MinInt64.
func timeNanos(t time.Time) int64 {
	switch {
	case t.Before(minTimeNanos):
		return math.MinInt64
	case t.After(maxTimeNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// nanosTime is the time of timeNanos: the zero time for math.MinInt64.
func nanosTime(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

var (
	minTimeNanos = time.Unix(0, math.MinInt64+1)
	maxTimeNanos = time.Unix(0, math.MaxInt64)
)

// offerFirst makes the URI whose part after the path is first the group's
// first URI if its time t is earlier than the current first's, or equal
// with a smaller URI.
func (gr *group) offerFirst(t int64, first []byte) {
	if t > gr.firstAt || t == gr.firstAt && string(first) >= gr.first() {
		return
	}
	gr.data, gr.firstAt = gr.key()+string(first), t
}

// addStatus counts the status code of an event about to be added.
func (gr *group) addStatus(code int32) {
	if gr.mix == nil {
		if code == gr.code {
			return
		}
		// A second code: the events so far all had gr.code.
		mix := []StatusCount{{Code: gr.code, Count: gr.count}}
		gr.mix = &mix
	}
	*gr.mix = addStatusCount(*gr.mix, code, 1)
}

// mergeStatus adds the status codes of o to gr's, before their latencies
// (and so their counts) are merged.
func (gr *group) mergeStatus(o *group) {
	if gr.mix == nil && o.mix == nil && gr.code == o.code {
		return
	}
	mix := gr.status()
	for _, s := range o.status() {
		mix = addStatusCount(mix, s.Code, s.Count)
	}
	gr.mix = &mix
}

// addStatusCount adds n events with the code to a mix sorted by code.
func addStatusCount(mix []StatusCount, code int32, n int64) []StatusCount {
	i, found := slices.BinarySearchFunc(mix, code, func(s StatusCount, c int32) int { return cmp.Compare(s.Code, c) })
	if found {
		mix[i].Count += n
		return mix
	}
	return slices.Insert(mix, i, StatusCount{Code: code, Count: n})
}

// status returns the status-code mix of the group; none when it is empty.
func (gr *group) status() []StatusCount {
	switch {
	case gr.mix != nil:
		return slices.Clone(*gr.mix)
	case gr.count == 0:
		return nil
	}
	return []StatusCount{{Code: gr.code, Count: gr.count}}
}

// Merge moves the groups of o, a grouping under the same outer key, into
// g, and leaves o empty: it lets go of o's groups a chunk after another as
// it moves them, so that merging never holds every group twice.
func (g *Grouped) Merge(o *Grouped) { g.merge(o, false) }

// mergeKeeping merges o into g as Merge does, and leaves o as it was, to
// be merged again (see Set.MergeKeeping).
func (g *Grouped) mergeKeeping(o *Grouped) { g.merge(o, true) }

// merge merges o into g; keep says o is to stay as it was.
func (g *Grouped) merge(o *Grouped, keep bool) {
	g.flush()
	o.flush()
	// o numbers users and folders its own way.
	users, dirs := g.users.renumber(o.users), g.dirs.renumber(&o.dirs)
	for ok, oog := range o.outers {
		og := g.outers[ok]
		if og == nil {
			og = g.newOuter(oog.groups.n)
			g.outers[ok] = og
		}
		og.total += oog.total
		og.beginMerge()
		for c := range oog.rows.chunks {
			for k := range oog.rows.used(c) {
				if ogr := &oog.rows.chunks[c][k]; ogr.keyLen > 0 {
					i := g.mergeGroup(og, ogr, users, dirs, keep)
					og.merged(i, oog.bound.Lacks(oog.rows.start(c)+int32(k)))
				}
			}
			if !keep {
				oog.rows.chunks[c] = nil
			}
		}
		og.endMerge(oog.bound)
		if !keep {
			delete(o.outers, ok)
		}
	}
	if !keep {
		// A new table for o's users: the one o had may be its Set's,
		// which the Set's other members are still to merge from.
		o.users, o.dirs = newKeyTable(KeyUser), numbers{}
	}
}

// mergeGroup adds ogr, a group of another Grouped whose users and folders
// are numbered users and dirs in g, to og, and returns its position in og.
func (g *Grouped) mergeGroup(og *outerGroup, ogr *group, users, dirs []uint32, keep bool) int32 {
	key := ogr.key()
	dir, user := keyNumbers(key)
	prefix := key[:len(key)-groupKeyTail]
	g.key = appendNumbers(append(g.key[:0], prefix...), dirs[dir], users[user])
	renumber := string(g.key) != key
	h := g.hashKey(prefix, dirs[dir], users[user])
	i, found := og.groups.find(h, &og.rows, func(gr *group) bool { return gr.key() == string(g.key) })
	if !found {
		g.makeRoom(og)
	}
	var gr *group
	switch {
	case !found && !renumber:
		// The same key: share ogr's data, which no one changes.
		i = og.rows.add(group{data: ogr.data, keyLen: ogr.keyLen, firstAt: ogr.firstAt, code: ogr.code})
		gr = og.rows.at(i)
		og.groups.insert(h, i)
	case !found:
		g.first = append(g.first[:0], ogr.first()...)
		i = og.rows.add(newGroup(g.key, g.first, ogr.firstAt, ogr.code))
		gr = og.rows.at(i)
		og.groups.insert(h, i)
	default:
		gr = og.rows.at(i)
		g.first = append(g.first[:0], ogr.first()...)
		gr.offerFirst(ogr.firstAt, g.first)
	}
	if !found {
		og.admit(i)
	}
	switch {
	case ogr.samples == nil:
	case gr.samples == nil && keep:
		clone := *ogr.samples
		gr.samples = &clone
	case gr.samples == nil:
		gr.samples = ogr.samples // o is emptied
	default:
		gr.samples.Merge(ogr.samples)
	}
	gr.mergeStatus(ogr) // before adding ogr's count, as addStatus
	gr.count += ogr.count
	if g.meanOnly {
		gr.latency.mergeMoments(&ogr.latency)
	} else {
		gr.latency.merge(&ogr.latency)
	}
	return i
}

// Group is one group of requests of a GroupedResult.
type Group struct {
	// Path is the URI path the group's requests share.
	Path string `json:"path"`
	// Query is their query string without the ignored parameters, with
	// parameters sorted.
	Query string `json:"query"`
	// User is their user, field-manager qualified (KeyUser).
	User string `json:"user"`
	// Count is the number of events in the group.
	Count int64 `json:"count"`
	// Status is the status-code mix of every event of the group, by code.
	Status []StatusCount `json:"status"`
	// Latency is the distribution of the latencies of the events whose
	// latency is known (Latency.Count of them); Latency.Mean is what the
	// reference prints. Long-running requests are not left out: they are
	// groups of their own (a watch's URI is not a get's), so they never
	// skew a group of short requests.
	Latency Quantiles `json:"latency"`
	// FirstURI is the requestURI of the group's earliest event by
	// requestReceivedTimestamp (ties broken by the smaller URI).
	FirstURI string `json:"firstURI"`
	// FirstTime is that event's requestReceivedTimestamp, UTC.
	FirstTime time.Time `json:"firstTime"`
	// Samples are up to MaxSamples auditIDs of the group's events, when
	// kept (KeepSamples).
	Samples []string `json:"samples,omitempty"`
	// Uncounted is the most events of the group that may have gone
	// uncounted, with groups let go before it was kept (KeepAtMost); the
	// group had from Count to Count+Uncounted events. 0 when exact.
	Uncounted int64 `json:"uncounted,omitempty"`
}

// GroupedOuter is one value of the outer key with its top groups.
type GroupedOuter struct {
	// Key is the outer key's value: a verb as logged (lower case), or a
	// status code ("-1" for none).
	Key string `json:"key"`
	// Total is the number of events with this value ("of N total hits").
	Total int64 `json:"total"`
	// Distinct is the number of groups: of the groups kept when groups
	// were let go (LetGoAtMost > 0).
	Distinct int `json:"distinct"`
	// Groups are the top groups, by count (largest first), then path, then
	// user, then query.
	Groups []Group `json:"groups"`
	// LetGoAtMost is, when groups were let go (KeepAtMost), the most events
	// a group that is not kept may have had; 0 when every group is kept
	// (and Distinct is then exact, not the number kept).
	LetGoAtMost int64 `json:"letGoAtMost,omitempty"`
}

// GroupedResult is what a Grouped counted.
type GroupedResult struct {
	// By is the outer key's name (verb, httpstatus).
	By string `json:"by"`
	// Total is the number of events counted.
	Total int64 `json:"total"`
	// Outer lists the values of the outer key in order: numeric keys
	// (httpstatus) ascending by value, others alphabetically.
	Outer []GroupedOuter `json:"outer"`
	// Limit is the n of Result(n): how many groups each outer key lists at
	// most (0: all), which the reference prints in each header ("Top 10").
	Limit int `json:"-"`
}

// Result returns the n biggest groups of every outer key (all when n <= 0).
func (g *Grouped) Result(n int) GroupedResult {
	g.flush()
	res := GroupedResult{By: g.outer.Name(), Outer: make([]GroupedOuter, 0, len(g.outers)), Limit: max(n, 0)}
	for k, og := range g.outers {
		res.Total += og.total
		res.Outer = append(res.Outer, g.outerResult(og, k, n))
	}
	slices.SortFunc(res.Outer, func(a, b GroupedOuter) int { return compareKeys(g.outer, a.Key, b.Key) })
	return res
}

// outerResult is the result of og, the outer group of key: its n biggest
// groups (all when n <= 0).
func (g *Grouped) outerResult(og *outerGroup, key string, n int) GroupedOuter {
	dirs, users := &g.dirs, g.users
	top := topGroups(&og.rows, og.groups.n, n, func(a, b *group) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		baseA, queryA, dirA, userA := a.parts()
		baseB, queryB, dirB, userB := b.parts()
		return cmp.Or(compareJoined(dirs.strings[dirA], baseA, dirs.strings[dirB], baseB),
			cmp.Compare(users.values[userA], users.values[userB]), cmp.Compare(queryA, queryB))
	})
	out := GroupedOuter{Key: key, Total: og.total, Distinct: og.groups.n, Groups: make([]Group, len(top)),
		LetGoAtMost: og.bound.Floor()}
	for i, gr := range top {
		base, query, dir, user := gr.parts()
		path := dirs.strings[dir] + base
		out.Groups[i] = Group{
			Path:      path,
			Query:     query,
			User:      users.values[user],
			Count:     gr.count,
			Status:    gr.status(),
			Latency:   gr.latency.moments(),
			FirstURI:  path + gr.first(),
			FirstTime: nanosTime(gr.firstAt),
			Samples:   gr.samples.IDs(),
		}
		if !g.meanOnly {
			out.Groups[i].Latency = gr.latency.quantiles()
		}
		if og.bound != nil {
			at, _ := og.groups.find(g.hashOf(gr), &og.rows, func(x *group) bool { return x == gr })
			out.Groups[i].Uncounted = og.bound.Lacks(at)
		}
	}
	return out
}

// topGroups returns the n first of the kept groups of rows, of which
// there are kept, in the order of compare (all when n <= 0), in that
// order, keeping no more than n at a time.
func topGroups(rows *groupRows, kept, n int, compare func(a, b *group) int) []*group {
	if n <= 0 || n >= kept {
		all := make([]*group, 0, kept)
		for gr := range rows.kept() {
			all = append(all, gr)
		}
		slices.SortFunc(all, compare)
		return all
	}
	// A heap of the n first so far, the last of them at its root.
	top := make([]*group, 0, n)
	after := func(i, j int) bool { return compare(top[i], top[j]) > 0 }
	for gr := range rows.kept() {
		switch {
		case len(top) < n:
			top = append(top, gr)
			for i := len(top) - 1; i > 0 && after(i, (i-1)/2); i = (i - 1) / 2 {
				top[i], top[(i-1)/2] = top[(i-1)/2], top[i]
			}
			continue
		case compare(gr, top[0]) >= 0:
			continue
		}
		top[0] = gr
		for i := 0; ; {
			last := i
			if l := 2*i + 1; l < n && after(l, last) {
				last = l
			}
			if r := 2*i + 2; r < n && after(r, last) {
				last = r
			}
			if last == i {
				break
			}
			top[i], top[last] = top[last], top[i]
			i = last
		}
	}
	slices.SortFunc(top, compare)
	return top
}

// compareJoined compares a1+a2 with b1+b2 without joining them.
func compareJoined(a1, a2, b1, b2 string) int {
	for {
		if a1 == "" {
			a1, a2 = a2, ""
		}
		if b1 == "" {
			b1, b2 = b2, ""
		}
		switch {
		case a1 == "" && b1 == "":
			return 0
		case a1 == "":
			return -1
		case b1 == "":
			return 1
		}
		k := min(len(a1), len(b1))
		if c := strings.Compare(a1[:k], b1[:k]); c != 0 {
			return c
		}
		a1, b1 = a1[k:], b1[k:]
	}
}
