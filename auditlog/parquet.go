package auditlog

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog/internal/rowgroup"
)

// Parquet sources are the files of an export (package export): Open tells
// them by their magic, and the footer by its metadata. They are read
// through the format that package parquetsource registers (see
// internal/rowgroup), so that a program that reads none links no Parquet
// library. For All and Scan, the splitter opens the footer and hands out
// each row group as a block, which the workers decode reading only the
// columns of Options.Fields.
// Sorted reads the Parquet files of a reader as one stream (mergeParquet):
// every row group is sorted by time, and the row groups of all the files
// are merged, each opened only when the merge reaches its first time.

// parquetFile is an opened Parquet source, shared by the blocks of its
// row groups; the last block let go of closes it.
type parquetFile struct {
	file   *File
	pq     rowgroup.File
	format rowgroup.Format
	refs   atomic.Int32
}

func (pf *parquetFile) release() {
	if pf.refs.Add(-1) == 0 {
		pf.file.Close()
	}
}

// parquetUnit is the work of a block of a Parquet source: a row group.
type parquetUnit struct {
	pf *parquetFile
	rg int
}

func (u *parquetUnit) release() { u.pf.release() }

// rowGroupFramer frames a Parquet source: each row group is a block,
// which a worker decodes reading the columns of the fields asked for.
type rowGroupFramer struct{ sp *splitter }

func (fr rowGroupFramer) frame(f *File, _ *[]byte, _ error, emit func(*block) bool) bool {
	sp := fr.sp
	pf, size, p, err := openParquet(f)
	if err != nil {
		sp.rep.add(p, Sample{File: sp.src.Path, Detail: err.Error(), order: sp.order})
		return true
	}
	sp.rep.Files++
	pq := pf.pq
	defer pf.release()
	defer sp.tellParquet(size)
	for i := range pq.Groups() {
		pf.refs.Add(1)
		if !emit(&block{src: sp.src, order: sp.order, line: 1, eof: true, pq: &parquetUnit{pf: pf, rg: i}}) {
			return false
		}
		sp.tellParquet(pq.End(i))
	}
	return true
}

// tellParquet tells progress that the file is read up to offset.
func (sp *splitter) tellParquet(offset int64) {
	if sp.progress != nil && offset > sp.reported {
		sp.progress(offset - sp.reported)
		sp.reported = offset
	}
}

// parquetDecoder is what a worker keeps to decode row groups.
type parquetDecoder struct {
	// fields are those asked for: the columns read are theirs.
	fields Fields
	// rows reads the row groups, made by the format of the first read.
	rows    rowgroup.Rows
	meta    rowgroup.Meta
	ev      auditv1.Event
	sources map[sourceKey]*Source
	last    *Source // the source of the last row, likely the next's
	// origins counts the events of the row group being read by the API
	// server and node that logged them, for the file's report (sorted as
	// FileReport.Origins).
	origins []Origin
}

// countOrigin counts an event of server and node.
func (pd *parquetDecoder) countOrigin(server Server, node string) {
	if n := len(pd.origins); n > 0 && pd.origins[n-1].Server == server && pd.origins[n-1].Node == node {
		pd.origins[n-1].Events++
		return
	}
	pd.origins = addOrigin(pd.origins, Origin{Server: server, Node: node, Events: 1})
}

// sourceKey is an original audit log: its path and server.
type sourceKey struct{ path, server string }

// parquet decodes the row group of a Parquet block.
func (ld *lineDecoder) parquet(b *block, add func(*Entry) bool) bool {
	ld.initParquet()
	if !ld.wanted(b.pq.pf.pq, b.pq.rg) {
		return true
	}
	return ld.rowGroup(b, b.pq.rg, add)
}

// initParquet readies ld to decode Parquet row groups.
func (ld *lineDecoder) initParquet() {
	if ld.pq == nil {
		asked := ld.asked
		if asked == 0 {
			asked = ld.fields
		}
		ld.pq = &parquetDecoder{fields: asked, sources: make(map[sourceKey]*Source)}
	}
}

// wanted reports whether row group rg may hold entries received in
// [since, until), by its statistics.
func (ld *lineDecoder) wanted(pq rowgroup.File, rg int) bool {
	if ld.since.IsZero() && ld.until.IsZero() {
		return true
	}
	first, last, ok := pq.Times(rg)
	if !ok {
		return true
	}
	if !ld.since.IsZero() && time.UnixMicro(last).Before(ld.since) {
		return false
	}
	return ld.until.IsZero() || time.UnixMicro(first).Before(ld.until)
}

// rowGroup decodes the rows of row group rg and hands each on.
func (ld *lineDecoder) rowGroup(b *block, rg int, add func(*Entry) bool) bool {
	pd := ld.pq
	if pd.rows == nil {
		pd.rows = b.pq.pf.format.NewRows()
	}
	rows := pd.rows
	if !ld.openRows(b, rows, rg) {
		return true
	}
	defer ld.closeRows(b, rows, rg)
	defer func() {
		f := ld.rep.fileAt(b.order, b.src.Path)
		for _, o := range pd.origins {
			f.Origins = addOrigin(f.Origins, o)
		}
		pd.origins = pd.origins[:0]
	}()
	for {
		ev := &pd.ev
		if ld.fresh {
			ev = new(auditv1.Event)
		}
		if !rows.Next(ev, &pd.meta) {
			return true
		}
		if !ld.emitRow(b, ev, add) {
			return false
		}
	}
}

// openRows readies rows to read row group rg, reporting a failure.
func (ld *lineDecoder) openRows(b *block, rows rowgroup.Rows, rg int) bool {
	compressed, err := rows.Open(b.pq.pf.pq, rg, uint32(ld.pq.fields), ld.fresh)
	if err != nil {
		ld.rep.add(BadParquet, Sample{File: b.src.Path, Detail: fmt.Sprintf("row group %d: %v", rg, err), order: b.order})
		return false
	}
	ld.rep.CompressedBytes += compressed
	return true
}

// closeRows accounts for what rows read of row group rg, reports its
// damage if any, and closes it.
func (ld *lineDecoder) closeRows(b *block, rows rowgroup.Rows, rg int) {
	ld.rep.Bytes += rows.Bytes()
	if err := rows.Err(); err != nil {
		ld.rep.add(BadParquet, Sample{File: b.src.Path,
			Detail: fmt.Sprintf("row group %d: %v (%d rows not read)", rg, err, rows.Left()+1), order: b.order})
	}
	rows.Close()
}

// emitRow hands on the event of a row just read, as emit does a line's.
func (ld *lineDecoder) emitRow(b *block, ev *auditv1.Event, add func(*Entry) bool) bool {
	pd := ld.pq
	m := &pd.meta
	ld.rep.Lines++
	ld.rep.Events++
	e := ld.entry
	if ld.fresh {
		e = new(Entry)
	}
	src := pd.source(b, m)
	e.Reset(ev, src, m.Line, m.Node)
	pd.countOrigin(src.Server, m.Node)
	if pd.fields&FieldFieldManager != 0 {
		e.setFieldManager(m.FieldManager, m.HasFieldManager)
	}
	if ld.keep != nil && !ld.keep(e) {
		return true
	}
	return add(e)
}

// source returns the Source of the audit log a row was read from: its
// path and server as the row says (the Parquet file itself when the row
// does not say).
func (pd *parquetDecoder) source(b *block, m *rowgroup.Meta) *Source {
	if s := pd.last; s != nil && s.Path == m.File && string(s.Server) == m.Server {
		return s
	}
	k := sourceKey{m.File, m.Server}
	s := pd.sources[k]
	if s == nil {
		path := m.File
		if path == "" {
			path = b.src.Path
		}
		s = &Source{Path: path, Server: Server(m.Server), Node: nodeFromName(filepath.Base(path))}
		pd.sources[k] = s
	}
	pd.last = s
	return s
}

// parquetStream is the stream key under which Sorted reads the Parquet
// sources; no node has this name.
const parquetStream = "\x00parquet"

// isParquetName reports whether a source's name is an export file's.
// Sorted merges such sources as one stream; what a file holds is still
// told by its content.
func isParquetName(path string) bool { return strings.HasSuffix(path, ".parquet") }

// mergeFile is a Parquet source of a merge.
type mergeFile struct {
	b      block        // the source, for reports and rows that name none
	pf     *parquetFile // nil when not open
	left   int          // row groups not done yet
	failed bool
}

// mergeGroup is a row group waiting to be merged.
type mergeGroup struct {
	file  *mergeFile
	rg    int
	first int64
}

// mergeParquet reads the Parquet sources of stream and hands on their
// rows in time order: each row group is sorted by time (export writes
// them so), and the row groups of every file are merged, each opened only
// when the merge reaches its first time, so that only row groups whose
// times overlap are open at once: memory grows with the files written at
// the same time (nodes, workers, clusters), not with the time they span.
// It reports false when add did. Sources of the stream that are not
// Parquet after all are read after the merge, as they are.
func (r *Reader) mergeParquet(stream []int, ld *lineDecoder, add func(*Entry) bool) bool {
	ld.initParquet()
	var queue []mergeGroup
	var others []int
	for _, i := range stream {
		f := &mergeFile{b: block{src: &r.sources[i], order: i}}
		if !ld.openMerged(f, true) {
			if f.pf == nil && !f.failed {
				others = append(others, i)
			}
			continue
		}
		pq := f.pf.pq
		for rg := range pq.Groups() {
			if !ld.wanted(pq, rg) {
				continue
			}
			first, _, ok := pq.Times(rg)
			if !ok {
				first = math.MinInt64
			}
			queue = append(queue, mergeGroup{f, rg, first})
			f.left++
		}
		if f.left == 0 {
			f.left = 1
			r.doneMerged(f) // nothing to read: done
		} else {
			r.closeMerged(f)
		}
	}
	slices.SortStableFunc(queue, func(a, b mergeGroup) int { return cmp.Compare(a.first, b.first) })
	fields := ld.pq.fields | FieldRequestReceivedTimestamp
	var h rowHeap
	defer func() { // on an early return
		for _, c := range h {
			ld.closeRows(&c.file.b, c.rows, c.rg)
			r.closeMerged(c.file)
		}
		for _, g := range queue {
			r.closeMerged(g.file)
		}
	}()
	for {
		for len(queue) > 0 && (len(h) == 0 || queue[0].first <= h[0].t) {
			g := queue[0]
			queue = queue[1:]
			if c := ld.startMerged(g, fields); c != nil {
				heap.Push(&h, c)
			} else {
				r.doneMerged(g.file)
			}
		}
		if len(h) == 0 {
			break
		}
		c := h[0]
		ev, meta := c.ev, c.meta
		if c.next() {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
			ld.closeRows(&c.file.b, c.rows, c.rg)
			r.doneMerged(c.file)
		}
		ld.pq.meta = meta
		if !ld.emitRow(&c.file.b, ev, add) {
			return false
		}
	}
	for _, i := range others {
		sp := splitter{src: &r.sources[i], order: i, maxLine: r.opts.MaxLineBytes, rep: ld.rep, progress: r.opts.Progress}
		if !sp.run(func(b *block) bool { defer putBlock(b); return ld.block(b, add) }) {
			return false
		}
	}
	return true
}

// openMerged opens the Parquet file of f, counting it in the report the
// first time. It reports false when the file is not Parquet (f.pf stays
// nil) or cannot be read (f.failed, reported).
func (ld *lineDecoder) openMerged(f *mergeFile, first bool) bool {
	file, err := Open(f.b.src)
	if err != nil {
		ld.rep.add(Unreadable, Sample{File: f.b.src.Path, Detail: err.Error(), order: f.b.order})
		f.failed = true
		return false
	}
	if file.Format() != FormatParquet {
		file.Close()
		return false
	}
	pf, _, p, err := openParquet(file)
	if err != nil {
		ld.rep.add(p, Sample{File: f.b.src.Path, Detail: err.Error(), order: f.b.order})
		f.failed = true
		return false
	}
	if first {
		ld.rep.Files++
	}
	f.pf = pf
	return true
}

// startMerged opens row group g (and its file, if need be) and reads its
// first row; nil when it has none or cannot be read.
func (ld *lineDecoder) startMerged(g mergeGroup, fields Fields) *rowCursor {
	f := g.file
	if f.failed || f.pf == nil && !ld.openMerged(f, false) {
		return nil
	}
	c := &rowCursor{file: f, rg: g.rg, rows: f.pf.format.NewRows()}
	compressed, err := c.rows.Open(f.pf.pq, g.rg, uint32(fields), true)
	if err != nil {
		ld.rep.add(BadParquet, Sample{File: f.b.src.Path, Detail: fmt.Sprintf("row group %d: %v", g.rg, err), order: f.b.order})
		return nil
	}
	ld.rep.CompressedBytes += compressed
	if !c.next() {
		ld.closeRows(&f.b, c.rows, g.rg)
		return nil
	}
	return c
}

// doneMerged counts a row group of f as done, and closes f after its
// last.
func (r *Reader) doneMerged(f *mergeFile) {
	if f.left--; f.left <= 0 {
		r.closeMerged(f)
		if p := r.opts.Progress; p != nil && !f.failed {
			p(f.b.src.Size)
		}
	}
}

// closeMerged closes f's file, if open.
func (r *Reader) closeMerged(f *mergeFile) {
	if f.pf != nil {
		f.pf.release()
		f.pf = nil
	}
}

// rowCursor is a row group being merged, with its next row.
type rowCursor struct {
	file *mergeFile
	rg   int
	rows rowgroup.Rows
	ev   *auditv1.Event
	meta rowgroup.Meta
	t    int64
}

// next reads the next row, reporting false at the end.
func (c *rowCursor) next() bool {
	c.ev = new(auditv1.Event)
	if !c.rows.Next(c.ev, &c.meta) {
		return false
	}
	c.t = c.ev.RequestReceivedTimestamp.UnixMicro() // the zero time included, as stored
	return true
}

// rowHeap orders cursors by their next row's time, then row group.
type rowHeap []*rowCursor

func (h rowHeap) Len() int { return len(h) }
func (h rowHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.file.b.order, b.file.b.order), cmp.Compare(a.rg, b.rg)) < 0
}
func (h rowHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)   { *h = append(*h, x.(*rowCursor)) }
func (h *rowHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// errNoParquet says that no Parquet format is registered: the program
// does not import package parquetsource.
var errNoParquet = errors.New("a Parquet file, which this program does not read (it imports no github.com/auditlens/auditlens/auditlog/parquetsource)")

// openParquet opens the Parquet file f holds and returns it with its
// size, or closes f and says what kind of problem it is: BadParquet for a
// damaged file of ours, Unreadable for any other.
func openParquet(f *File) (*parquetFile, int64, Problem, error) {
	format := rowgroup.Registered()
	if format == nil {
		f.Close()
		return nil, 0, Unreadable, errNoParquet
	}
	ra, size, err := f.randomAccess()
	var pq rowgroup.File
	if err == nil {
		pq, err = format.Open(ra, size)
	}
	if err == nil {
		pf := &parquetFile{file: f, pq: pq, format: format}
		pf.refs.Store(1)
		return pf, size, 0, nil
	}
	f.Close()
	if format.Damaged(err) {
		return nil, 0, BadParquet, err
	}
	return nil, 0, Unreadable, err
}

// randomAccess returns the file for reading at offsets, as Parquet is
// read, and its size; standard input is not such a file.
func (f *File) randomAccess() (io.ReaderAt, int64, error) {
	ra, ok := f.file.(interface {
		io.ReaderAt
		io.Seeker
	})
	if !ok {
		return nil, 0, errors.New("a Parquet file is read at offsets: give its path, not standard input")
	}
	size, err := ra.Seek(0, io.SeekEnd)
	return ra, size, err
}
