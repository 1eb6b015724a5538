package auditlog

import (
	"cmp"
	"container/heap"
	"iter"
	"math"
	"sync"
	"time"
)

// DefaultSortWindow is the default number of events Sorted holds back per
// stream to put them in time order.
const DefaultSortWindow = 4096

// sortBatch is how many entries a stream hands over at a time.
const sortBatch = 256

// Sorted returns an iterator over every entry in requestReceivedTimestamp
// order, for listings. It keeps memory bounded, so the order is exact only
// up to a window:
//
//   - the sources are grouped into streams, one per API server and node
//     (a node's rotated files, then its live file, are one stream in time);
//     a source whose node is unknown is a stream of its own; the Parquet
//     files of an export (*.parquet) are one stream, whose row groups, each
//     sorted by time, are merged, each opened when the merge reaches it;
//   - each stream is read by its own goroutine, which holds back up to
//     window events (DefaultSortWindow when window <= 0) to reorder them,
//     since an API server writes an event when the request completes, not
//     when it was received;
//   - the streams are merged by time.
//
// An event received more than window events before where it was written
// (a long watch, say) comes out later than its time. Ties are broken by
// stream, then by position in the stream. Unlike All and Scan, the entries
// Sorted yields are not reused: they may be kept. As with All, what cannot
// be read is counted in the Report; breaking out of the loop stops the
// readers.
func (r *Reader) Sorted(window int) iter.Seq[*Entry] {
	if window <= 0 {
		window = DefaultSortWindow
	}
	return func(yield func(*Entry) bool) {
		r.start()
		r.once.prepare(r)
		streams := r.streams()
		done := make(chan struct{})
		reports := make([]Report, len(streams))
		feeds := make([]*sortFeed, len(streams))
		var wg sync.WaitGroup
		for i, st := range streams {
			ch := make(chan []sortItem, 4)
			feeds[i] = &sortFeed{ch: ch, window: window, stream: i}
			wg.Add(1)
			go func(rep *Report) {
				defer wg.Done()
				defer close(ch)
				r.readStream(st, rep, ch, done)
			}(&reports[i])
		}
		defer func() {
			close(done)
			for _, f := range feeds {
				for range f.ch { // let the readers finish
				}
			}
			wg.Wait()
			for i := range reports {
				r.report.Merge(&reports[i])
			}
		}()
		var m sortMerge
		for _, f := range feeds {
			if f.fill() {
				m = append(m, f)
			}
		}
		heap.Init(&m)
		for len(m) > 0 {
			f := m[0]
			e := f.pop()
			if f.fill() {
				heap.Fix(&m, 0)
			} else {
				heap.Pop(&m)
			}
			if !yield(e) {
				return
			}
		}
	}
}

// streams groups the sources to read into time-ordered streams, by server
// and node, in the order of their first source.
func (r *Reader) streams() [][]int {
	type streamKey struct {
		server Server
		node   string
	}
	index := map[streamKey]int{}
	var streams [][]int
	for i := range r.sources {
		src := &r.sources[i]
		if src.Skip != "" {
			continue
		}
		k := streamKey{src.Server, src.Node}
		if isParquetName(src.Path) {
			k = streamKey{node: parquetStream}
		}
		j, ok := index[k]
		if !ok || k.node == "" {
			j = len(streams)
			streams = append(streams, nil)
			index[k] = j
		}
		streams[j] = append(streams[j], i)
	}
	return streams
}

// readStream reads the sources of one stream in order and sends their
// entries, in batches, until done is closed.
func (r *Reader) readStream(stream []int, rep *Report, ch chan<- []sortItem, done <-chan struct{}) {
	ld := newLineDecoder(r.opts, rep, true)
	batch := make([]sortItem, 0, sortBatch)
	send := func() bool {
		select {
		case ch <- batch:
			batch = make([]sortItem, 0, sortBatch)
			return true
		case <-done:
			return false
		}
	}
	add := func(e *Entry) bool {
		// The time is read here, while the event is in this core's cache.
		batch = append(batch, sortItem{e: e, t: timeKey(e)})
		return len(batch) < sortBatch || send()
	}
	if isParquetName(r.sources[stream[0]].Path) {
		if !r.mergeParquet(stream, ld, add) {
			return
		}
		stream = nil
	}
	for _, i := range stream {
		sp := splitter{src: &r.sources[i], order: i, maxLine: r.opts.MaxLineBytes, rep: rep, progress: r.opts.Progress}
		if !sp.run(func(b *block) bool { defer putBlock(b); return ld.block(b, add) }) {
			return
		}
	}
	if len(batch) > 0 {
		send()
	}
}

// sortFeed is one stream's entries as they arrive, held back in a heap of
// at most window entries to put them in time order.
type sortFeed struct {
	ch      <-chan []sortItem
	batch   []sortItem
	pending entryHeap
	window  int
	stream  int
	closed  bool
}

// fill tops up the heap to the window and reports whether an entry is
// ready.
func (f *sortFeed) fill() bool {
	for len(f.pending.entries) < f.window && !f.closed {
		if len(f.batch) == 0 {
			b, ok := <-f.ch
			if !ok {
				f.closed = true
				break
			}
			f.batch = b
			continue
		}
		it := f.batch[0]
		it.seq = f.pending.seq
		heap.Push(&f.pending, it)
		f.pending.seq++
		f.batch = f.batch[1:]
	}
	return len(f.pending.entries) > 0
}

func (f *sortFeed) pop() *Entry { return heap.Pop(&f.pending).(sortItem).e }

func (f *sortFeed) head() sortItem { return f.pending.entries[0] }

// sortItem is an entry with its time, and its position in its stream to
// break ties.
type sortItem struct {
	e   *Entry
	t   int64
	seq int64
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

func compareItems(a, b sortItem) int {
	return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.seq, b.seq))
}

// entryHeap orders a stream's held-back entries by time.
type entryHeap struct {
	entries []sortItem
	seq     int64
}

func (h *entryHeap) Len() int           { return len(h.entries) }
func (h *entryHeap) Less(i, j int) bool { return compareItems(h.entries[i], h.entries[j]) < 0 }
func (h *entryHeap) Swap(i, j int)      { h.entries[i], h.entries[j] = h.entries[j], h.entries[i] }
func (h *entryHeap) Push(x any)         { h.entries = append(h.entries, x.(sortItem)) }
func (h *entryHeap) Pop() any {
	n := len(h.entries) - 1
	it := h.entries[n]
	h.entries[n] = sortItem{}
	h.entries = h.entries[:n]
	return it
}

// sortMerge orders the streams by their next entry.
type sortMerge []*sortFeed

func (m sortMerge) Len() int { return len(m) }
func (m sortMerge) Less(i, j int) bool {
	a, b := m[i].head(), m[j].head()
	if a.t != b.t {
		return a.t < b.t
	}
	return m[i].stream < m[j].stream
}
func (m sortMerge) Swap(i, j int) { m[i], m[j] = m[j], m[i] }
func (m *sortMerge) Push(x any)   { *m = append(*m, x.(*sortFeed)) }
func (m *sortMerge) Pop() any {
	old := *m
	f := old[len(old)-1]
	*m = old[:len(old)-1]
	return f
}
