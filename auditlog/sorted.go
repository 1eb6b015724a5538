package auditlog

import (
	"context"
	"iter"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSortWindow is the default most memory, in bytes, Sorted holds
// back in entries to put them in time order: room for the 4096 entries
// per stream Sorted looks ahead in a must-gather's three kube-apiservers,
// or for three events of 10 MiB.
const DefaultSortWindow = 32 << 20

// sortLookahead is how many entries of every stream Sorted holds before
// it yields the earliest (fewer when they fill the stream's share of the
// window): enough for the few
// seconds most requests take, at thousands of requests a second. A
// variable for tests.
var sortLookahead = 4096

// sortAhead is how many entries beyond sortLookahead a stream reads
// ahead, so that the merge seldom waits for one.
const sortAhead = 1024

// minSortLookahead is the fewest entries of every stream Sorted holds
// before it yields the earliest, however many streams share the window.
const minSortLookahead = 256

// entryOverhead is what Sorted counts for an entry on top of the input it
// holds: the Entry, the Event and the structures they point to. An entry
// read from Parquet holds copies of its strings, interned, and counts as
// this alone.
const entryOverhead = 1 << 10

// parquetBatch is how many entries read from Parquet a stream hands to
// the merge at a time.
const parquetBatch = 256

// Sorted returns an iterator over every entry in requestReceivedTimestamp
// order, for listings. It keeps memory bounded, so the order is exact only
// up to a window:
//
//   - the sources are grouped into streams (one per API server and node,
//     or per API server and folder for files whose name gives no node),
//     each read in rotation order by a goroutine of its own, which opens
//     one file at a time: no more files are open at once than there are
//     streams, whatever the number of files; the Parquet files of an
//     export (*.parquet) are one stream, whose row groups, each sorted by
//     time, are merged, each opened when the merge reaches it;
//   - an API server writes an event when the request completes, not when
//     it was received, so Sorted holds entries back: it yields the
//     earliest of the next entries of every stream, 4096 of each (fewer
//     when many streams share the window: see newSortMerge), and no more
//     of a stream than half the window's bytes over the streams (one
//     entry at least);
//   - what it holds, in all, is bounded by window bytes (DefaultSortWindow
//     when window <= 0), counting the input an entry keeps in memory and a
//     kilobyte for its structures: half for the entries it may yield
//     next, half for what the streams read ahead, each stream its share. A
//     line longer than a block counts as it is read, and one stream at a
//     time reads one. The window can be exceeded by one block of input
//     (256 KiB, or one line) per stream, read when its share was full.
//
// The order depends on the input alone, not on how fast each stream is
// read: the same input gives the same order, whatever the machine. An
// entry received before one already yielded (a long watch) comes out later
// than its time; the Report counts them (OutOfOrder) and says by how much
// the worst was late. Ties are broken by stream, then by position in the
// stream. Unlike All and Scan, the
// entries Sorted yields are not reused: they may be kept. As with All, what
// cannot be read is counted in the Report; breaking out of the loop stops
// the readers.
func (r *Reader) Sorted(window int64) iter.Seq[*Entry] {
	return r.SortedContext(context.Background(), window)
}

// SortedContext is Sorted that also stops when ctx is done, even while it
// waits for input to fill its window.
func (r *Reader) SortedContext(ctx context.Context, window int64) iter.Seq[*Entry] {
	if window <= 0 {
		window = DefaultSortWindow
	}
	return func(yield func(*Entry) bool) {
		r.start()
		r.once.prepare(r)
		streams := r.streams()
		m := newSortMerge(len(streams), window)
		m.cancel = ctx.Done()
		reports := make([]Report, len(streams))
		for i := range reports {
			reports[i] = newReport(r.opts.Samples)
		}
		fds := newDescriptors(r.openOS)
		var wg sync.WaitGroup
		for i, st := range streams {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.readStream(i, st, &reports[i], m, fds)
			}()
		}
		defer func() {
			m.stop()
			wg.Wait()
			for i := range reports {
				r.report.Merge(&reports[i])
			}
			r.report.OutOfOrder, r.report.MaxLateness = m.late, m.lateness
			r.peakHeld, r.peakOpen = m.peak.Load(), fds.peakOpen()
		}()
		for {
			e, ok := m.next()
			if !ok || !yield(e) {
				return
			}
		}
	}
}

// readStream reads the sources of stream number n in order and hands their
// entries to m, one batch per block of input.
func (r *Reader) readStream(n int, stream []int, rep *Report, m *sortMerge, fds *descriptors) {
	defer m.send(sortBatch{stream: n, done: true})
	ld := newLineDecoder(r.opts, rep, true)
	var items []sortItem
	var lines int64 // bytes of the lines kept in the block
	seq := int64(0)
	reading := m.longLines()
	add := func(e *Entry) bool {
		// The time is read here, while the event is in this core's cache.
		items = append(items, sortItem{e: e, t: timeKey(e), stream: int32(n), seq: seq, size: int64(ld.lineLen)})
		seq++
		lines += int64(ld.lineLen)
		return true
	}
	if isParquetName(r.sources[stream[0]].Path) {
		if !r.mergeParquet(stream, ld, func(e *Entry) bool {
			items = append(items, sortItem{e: e, t: timeKey(e), stream: int32(n), seq: seq, size: entryOverhead})
			seq++
			if len(items) < parquetBatch {
				return true
			}
			ok := m.send(sortBatch{stream: n, items: items}) && m.room(n)
			items = make([]sortItem, 0, parquetBatch)
			return ok
		}) {
			return
		}
		if len(items) > 0 && !m.send(sortBatch{stream: n, items: items}) {
			return
		}
		stream = nil
	}
	for _, i := range stream {
		if !m.room(n) {
			return
		}
		sp := splitter{src: &r.sources[i], order: i, maxLine: r.opts.MaxLineBytes, rep: rep, progress: r.opts.Progress,
			fds: fds, done: m.done, stall: func(stalled bool) { m.send(sortBatch{stream: n, stalled: stalled, stall: true}) },
			long: reading}
		ok := sp.run(func(b *block) bool {
			items, lines = make([]sortItem, 0, len(items)), 0
			ld.block(b, add)
			charge(items, b, lines)
			putBlock(b)
			return len(items) == 0 || m.send(sortBatch{stream: n, items: items}) && m.room(n)
		})
		if !ok {
			return
		}
	}
}

// charge sets the size of the entries decoded from block b, whose kept
// lines hold lines bytes. The strings of an entry point into its block, so
// entries that keep most of a block share its size; entries that keep
// little of it are copied out, so that the block is not kept for them.
func charge(items []sortItem, b *block, lines int64) {
	if len(items) == 0 {
		return
	}
	if 4*lines >= int64(len(b.data)) {
		// The block's length, not its capacity (which depends on the
		// buffer the pool gave): a size depends on the input alone, and so
		// do the entries the merge shows (sortMerge.show).
		share := int64(len(b.data)) / int64(len(items))
		for i := range items {
			items[i].size = share + entryOverhead
		}
		items[0].size += int64(len(b.data)) % int64(len(items))
		return
	}
	for i := range items {
		it := &items[i]
		it.e = it.e.Clone()
		it.size += entryOverhead
	}
}

// sortItem is an entry with its time, its stream and its position in the
// stream to break ties, and the memory it holds.
type sortItem struct {
	e      *Entry
	t      int64
	seq    int64
	size   int64
	stream int32
}

// timeKey is the entry's requestReceivedTimestamp in Unix nanoseconds,
// clamped to the years int64 nanoseconds can hold (1678 to 2262).
func timeKey(e *Entry) int64 {
	t := e.Event.RequestReceivedTimestamp.Time
	switch {
	case t.Before(minTimeKey):
		return math.MinInt64
	case t.After(maxTimeKey):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minTimeKey = time.Unix(0, math.MinInt64)
	maxTimeKey = time.Unix(0, math.MaxInt64)
)

// before orders items by time, then stream, then position.
func (a *sortItem) before(b *sortItem) bool {
	if a.t != b.t {
		return a.t < b.t
	}
	if a.stream != b.stream {
		return a.stream < b.stream
	}
	return a.seq < b.seq
}

// sortBatch is what a stream's goroutine hands to the merge: the entries
// of one block, or the news that the stream ended.
type sortBatch struct {
	stream int
	items  []sortItem
	done   bool
	// stall says the stream waits for a file descriptor (stalled) or has
	// one again: the merge does not wait for it meanwhile, since the
	// descriptor it needs may be one another stream holds while it waits.
	stall, stalled bool
}

// sortMerge puts the entries of every stream in time order, holding back
// at most window bytes of them. The streams' goroutines send it batches;
// the iterator's goroutine takes entries out.
type sortMerge struct {
	in     chan sortBatch
	done   chan struct{} // closed to stop the streams
	window int64
	// lookahead is how many entries of every stream the merge holds
	// before it yields the earliest, and ahead how many more a stream
	// reads (see newSortMerge).
	lookahead, ahead int

	// held is the memory of the entries sent and not yet taken out, and
	// sent the number of them per stream; a stream waits for room while
	// held is window or more, or while it has lookahead entries held,
	// enough. wake[s] tells stream s to look again.
	held atomic.Int64
	peak atomic.Int64 // the most held at once
	// long is held by the stream reading a line longer than a block:
	// one at a time.
	long chan struct{}
	sent []atomic.Int64
	wake []chan struct{}
	// needs[s] says the merge waits for stream s (see short): it reads
	// then even when the window is full.
	needs []atomic.Bool
	// heldBy[s] is the memory of stream s's entries sent and not yet
	// taken out: a stream reads ahead while a block more leaves it within
	// twice its share (what it shows, and as much read ahead), so that no
	// stream fills the window with what it reads ahead while another has
	// nothing to show.
	heldBy []atomic.Int64
	// cancel, when closed, ends the merge (SortedContext).
	cancel <-chan struct{}

	// Owned by the iterator's goroutine. Of the entries a stream sent, the
	// first ones not taken out are in the heap (visible), up to lookahead
	// of them and share bytes of size (one at least); the rest wait in
	// its queue. What is visible thus depends on the input alone, never on
	// how far a stream's goroutine has read, and so does the order.
	heap     []sortItem
	share    int64        // the size of the entries a stream shows at most
	queue    [][]sortItem // per stream, entries sent and not visible yet, from head on
	head     []int        // per stream, the start of its queue
	counts   []int        // entries visible per stream
	sizes    []int64      // their size
	ended    []bool       // streams that sent their last batch
	stalled  []bool       // streams waiting for a file descriptor
	isShort  []bool       // see short
	short    int          // streams not ended nor stalled that may show more entries
	open     int          // streams not ended
	latest   int64        // the latest time taken out
	started  bool
	late     int64
	lateness time.Duration
}

// newSortMerge returns the merge of streams streams in a window of bytes.
// Every stream looks ahead sortLookahead entries, or fewer when that many
// of every stream would not fit in the window (about 3 KiB an entry, its
// input and structures): many streams (a must-gather's every server and
// node) each look ahead less.
func newSortMerge(streams int, window int64) *sortMerge {
	lookahead := int(window / int64(max(streams, 1)) / (3 << 10))
	lookahead = min(sortLookahead, max(minSortLookahead, lookahead))
	m := &sortMerge{in: make(chan sortBatch, streams+1), done: make(chan struct{}), window: window, long: make(chan struct{}, 1),
		lookahead: lookahead, ahead: min(sortAhead, max(lookahead/4, 1)),
		sent: make([]atomic.Int64, streams), wake: make([]chan struct{}, streams),
		share: max(window/int64(2*max(streams, 1)), 1), queue: make([][]sortItem, streams),
		head: make([]int, streams), counts: make([]int, streams), sizes: make([]int64, streams), ended: make([]bool, streams), stalled: make([]bool, streams),
		isShort: make([]bool, streams), needs: make([]atomic.Bool, streams), heldBy: make([]atomic.Int64, streams), short: streams, open: streams}
	for i := range m.wake {
		m.wake[i] = make(chan struct{}, 1)
		m.isShort[i] = true
		m.needs[i].Store(true)
	}
	return m
}

// send hands a batch to the merge, counting its memory; it reports false
// when the merge has stopped.
func (m *sortMerge) send(b sortBatch) bool {
	if len(b.items) > 0 {
		// Until the merge has taken these, it may not wait for more.
		m.needs[b.stream].Store(false)
	}
	var size int64
	for i := range b.items {
		size += b.items[i].size
	}
	m.heldBy[b.stream].Add(size)
	held := m.held.Add(size)
	for p := m.peak.Load(); held > p && !m.peak.CompareAndSwap(p, held); p = m.peak.Load() {
	}
	m.sent[b.stream].Add(int64(len(b.items)))
	select {
	case m.in <- b:
		return true
	case <-m.done:
		return false
	}
}

// room waits while stream s may not read more: while the window is full
// or a block more would take s past twice its share, unless the merge
// waits for s; or while s has enough entries held (lookahead, and ahead
// more to keep ahead of the merge). It reports false when the merge has
// stopped.
func (m *sortMerge) room(s int) bool {
	for (m.held.Load() >= m.window || m.heldBy[s].Load()+blockSize > 2*m.share) && !m.needs[s].Load() || m.sent[s].Load() >= int64(m.lookahead+m.ahead) {
		select {
		case <-m.wake[s]:
		case <-m.done:
			return false
		}
	}
	select {
	case <-m.done:
		return false
	default:
		return true
	}
}

// stop ends the streams' goroutines: they stop waiting, and what they send
// is dropped.
func (m *sortMerge) stop() { close(m.done) }

// longLines returns what a stream's splitter tells of the bytes of a line
// longer than a block as they are read (n > 0) and of their total once the
// line is a block (n < 0). They count in the window, so that other streams
// wait; and one stream at a time reads such a line, so that the memory of
// lines being read is one line, not one per stream.
func (m *sortMerge) longLines() func(n int) {
	holding := false
	return func(n int) {
		switch {
		case n > 0 && !holding:
			select {
			case m.long <- struct{}{}:
				holding = true
			case <-m.done:
			}
		case n < 0 && holding:
			<-m.long
			holding = false
		}
		if n < 0 {
			m.free(int64(-n))
		} else {
			m.held.Add(int64(n))
		}
	}
}

// free takes n bytes out of the memory held, and tells every stream to
// look again when that makes room: the streams wait for it (room), and a
// long line that was read and then dropped (no filter kept it) frees its
// bytes here, with no entry the merge would take out.
func (m *sortMerge) free(n int64) {
	if held := m.held.Add(-n); held < m.window && held+n >= m.window {
		for i := range m.wake {
			m.nudge(i)
		}
	}
}

// nudge tells stream s to look again whether it may read.
func (m *sortMerge) nudge(s int) {
	select {
	case m.wake[s] <- struct{}{}:
	default:
	}
}

// next returns the next entry in time order, or false when every stream
// has ended and every entry was taken out.
func (m *sortMerge) next() (*Entry, bool) {
	for {
		for len(m.in) > 0 {
			m.take(<-m.in)
		}
		if len(m.heap) > 0 && m.short == 0 {
			return m.pop(), true
		}
		if m.open == 0 {
			return nil, false
		}
		select {
		case b := <-m.in:
			m.take(b)
		case <-m.cancel:
			return nil, false
		}
	}
}

// take adds a batch to the entries held.
func (m *sortMerge) take(b sortBatch) {
	s := b.stream
	switch {
	case b.done:
		m.ended[s] = true
		m.open--
	case b.stall:
		m.stalled[s] = b.stalled
	default:
		m.queue[s] = append(m.queue[s], b.items...)
		m.show(s)
	}
	m.reshort(s)
}

// show makes visible the entries of stream s's queue that fit in what it
// shows (see sortMerge.heap).
func (m *sortMerge) show(s int) {
	q := m.queue[s]
	i := m.head[s]
	for ; i < len(q) && m.counts[s] < m.lookahead && (m.counts[s] == 0 || m.sizes[s]+q[i].size <= m.share); i++ {
		m.push(q[i])
		m.counts[s]++
		m.sizes[s] += q[i].size
		q[i] = sortItem{} // the heap holds it now
	}
	// A pop shows one entry at most: the queue moves down only once its
	// head is past half of it, not on every pop.
	switch {
	case i == len(q):
		m.queue[s], m.head[s] = q[:0], 0
	case i > len(q)/2:
		n := copy(q, q[i:])
		clear(q[n:])
		m.queue[s], m.head[s] = q[:n], 0
	default:
		m.head[s] = i
	}
}

// queued is the number of entries in stream s's queue.
func (m *sortMerge) queued(s int) int { return len(m.queue[s]) - m.head[s] }

// reshort works out again whether the merge waits for stream s: s has
// neither ended nor stalled, and the next entry it sends may be visible
// (its queue is empty, and it shows fewer entries than it may). The merge
// yields only when it waits for none, so that the entries visible then
// are the ones the input puts there. A stream the merge waits for reads
// even when the window is full (room), or they would wait for each other.
func (m *sortMerge) reshort(s int) {
	short := !m.ended[s] && !m.stalled[s] && m.queued(s) == 0 &&
		m.counts[s] < m.lookahead && m.sizes[s] < m.share
	// The stream cleared needs when it sent what the merge took (send);
	// while a batch it sent is on its way, the merge waits for that one,
	// and the stream for room as any other.
	needs := short && m.sent[s].Load() == int64(m.counts[s]+m.queued(s))
	m.needs[s].Store(needs)
	if needs {
		m.nudge(s)
	}
	if short != m.isShort[s] {
		m.isShort[s] = short
		if short {
			m.short++
		} else {
			m.short--
		}
	}
}

// pop takes the earliest entry out, frees its memory and counts it when
// it is out of order.
func (m *sortMerge) pop() *Entry {
	h := m.heap
	it := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[n] = sortItem{}
	m.heap = h[:n]
	m.down(0)

	s := it.stream
	m.counts[s]--
	m.sizes[s] -= it.size
	if m.sent[s].Add(-1) == int64(m.lookahead+m.ahead-1) {
		m.nudge(int(s))
	}
	if by := m.heldBy[s].Add(-it.size); by+blockSize <= 2*m.share && by+it.size+blockSize > 2*m.share {
		m.nudge(int(s))
	}
	m.show(int(s))
	m.reshort(int(s))
	m.free(it.size)
	switch {
	case !m.started:
		m.started, m.latest = true, it.t
	case it.t < m.latest:
		m.late++
		m.lateness = max(m.lateness, time.Duration(m.latest-it.t))
	default:
		m.latest = it.t
	}
	return it.e
}

// push adds an item to the heap.
func (m *sortMerge) push(it sortItem) {
	m.heap = append(m.heap, it)
	h := m.heap
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h[i].before(&h[parent]) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

// down moves the item at i down to its place.
func (m *sortMerge) down(i int) {
	h := m.heap
	n := len(h)
	for {
		least := i
		if l := 2*i + 1; l < n && h[l].before(&h[least]) {
			least = l
		}
		if r := 2*i + 2; r < n && h[r].before(&h[least]) {
			least = r
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}
