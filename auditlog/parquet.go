package auditlog

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/internal/auditparquet"
)

// Parquet sources are the files of an export (package export): Open tells
// them by their magic, and the footer by its metadata. The splitter opens
// the footer and hands out the row groups as blocks (each one, or, for
// Sorted, all of them to merge by time); the workers decode them reading
// only the columns of Options.Fields.

// parquetFile is an opened Parquet source, shared by the blocks of its
// row groups; the last block let go of closes it.
type parquetFile struct {
	file *File
	pq   *auditparquet.File
	refs atomic.Int32
}

func (pf *parquetFile) release() {
	if pf.refs.Add(-1) == 0 {
		pf.file.Close()
	}
}

// parquetUnit is the work of a block of a Parquet source: one row group,
// or every row group to merge by time.
type parquetUnit struct {
	pf     *parquetFile
	groups []int
}

func (u *parquetUnit) release() { u.pf.release() }

// parquet hands out the row groups of the Parquet source f as blocks.
func (sp *splitter) parquet(f *File, emit func(*block) bool) bool {
	size, err := f.file.Seek(0, 2)
	var pq *auditparquet.File
	if err == nil {
		pq, err = auditparquet.Open(f.file, size)
	}
	if err != nil {
		f.Close()
		p := BadParquet
		if !errors.Is(err, auditparquet.ErrDamaged) {
			p = Unreadable
		}
		sp.rep.add(p, Sample{File: sp.src.Path, Detail: err.Error(), order: sp.order})
		return true
	}
	sp.rep.Files++
	pf := &parquetFile{file: f, pq: pq}
	pf.refs.Store(1)
	defer pf.release()
	defer sp.tellParquet(size)
	n := pq.NumRowGroups()
	if sp.ordered {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		pf.refs.Add(1)
		return emit(&block{src: sp.src, order: sp.order, line: 1, eof: true, pq: &parquetUnit{pf: pf, groups: all}})
	}
	for i := range n {
		pf.refs.Add(1)
		if !emit(&block{src: sp.src, order: sp.order, line: 1, eof: true, pq: &parquetUnit{pf: pf, groups: []int{i}}}) {
			return false
		}
		sp.tellParquet(pq.Offset(i))
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
	cols    auditparquet.Columns
	rows    auditparquet.Rows
	meta    auditparquet.Meta
	ev      auditv1.Event
	sources map[sourceKey]*Source
	last    *Source // the source of the last row, likely the next's
}

// sourceKey is an original audit log: its path and server.
type sourceKey struct{ path, server string }

// parquetColumns are the columns that hold the given fields, and those
// every entry needs: where it came from.
func parquetColumns(f Fields) auditparquet.Columns {
	cols := auditparquet.ColumnsOf(auditparquet.ColServer, auditparquet.ColNode,
		auditparquet.ColSourceFile, auditparquet.ColSourceLine)
	add := func(bit Fields, cs ...auditparquet.Column) {
		if f&bit != 0 {
			cols |= auditparquet.ColumnsOf(cs...)
		}
	}
	add(FieldKind, auditparquet.ColKind, auditparquet.ColEventAPIVersion)
	add(FieldLevel, auditparquet.ColLevel)
	add(FieldAuditID, auditparquet.ColAuditID)
	add(FieldStage, auditparquet.ColStage)
	add(FieldRequestURI, auditparquet.ColRequestURI)
	add(FieldFieldManager, auditparquet.ColFieldManager)
	add(FieldVerb, auditparquet.ColVerb)
	add(FieldUser, auditparquet.ColUsername, auditparquet.ColUserUID)
	add(FieldUserGroups, auditparquet.ColUserGroups)
	add(FieldUserExtra, auditparquet.ColUserExtra)
	add(FieldImpersonatedUser, auditparquet.ColImpersonatedUsername, auditparquet.ColImpersonatedUID,
		auditparquet.ColImpersonatedGroups, auditparquet.ColImpersonatedExtra)
	add(FieldAuthenticationMetadata, auditparquet.ColImpersonationConstraint)
	add(FieldSourceIPs, auditparquet.ColSourceIPs)
	add(FieldUserAgent, auditparquet.ColUserAgent)
	add(FieldObjectRef, auditparquet.ColObjectResource, auditparquet.ColObjectNamespace,
		auditparquet.ColObjectName, auditparquet.ColObjectUID, auditparquet.ColObjectAPIGroup,
		auditparquet.ColObjectAPIVersion, auditparquet.ColObjectResourceVersion, auditparquet.ColObjectSubresource)
	add(FieldResponseStatus|FieldResponseCode, auditparquet.ColCode)
	add(FieldResponseStatus, auditparquet.ColResponseStatus, auditparquet.ColResponseReason,
		auditparquet.ColResponseMessage, auditparquet.ColResponseDetails)
	add(FieldRequestObject, auditparquet.ColRequestObject)
	add(FieldResponseObject, auditparquet.ColResponseObject)
	add(FieldRequestReceivedTimestamp, auditparquet.ColRequestReceived)
	add(FieldStageTimestamp, auditparquet.ColStageTimestamp)
	add(FieldAnnotations, auditparquet.ColAnnotations, auditparquet.ColAuthzDecision, auditparquet.ColAuthzReason)
	return cols
}

// parquet decodes the row groups of a Parquet block.
func (ld *lineDecoder) parquet(b *block, add func(*Entry) bool) bool {
	if ld.pq == nil {
		ld.pq = &parquetDecoder{cols: parquetColumns(ld.fields), sources: make(map[sourceKey]*Source)}
	}
	u := b.pq
	groups := make([]int, 0, len(u.groups))
	for _, rg := range u.groups {
		if ld.wanted(u.pf.pq, rg) {
			groups = append(groups, rg)
		}
	}
	if len(u.groups) > 1 {
		return ld.mergeGroups(b, groups, add)
	}
	for _, rg := range groups {
		if !ld.rowGroup(b, rg, add) {
			return false
		}
	}
	return true
}

// wanted reports whether row group rg may hold entries received in
// [since, until), by its statistics.
func (ld *lineDecoder) wanted(pq *auditparquet.File, rg int) bool {
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
	rows := &pd.rows
	if !ld.openRows(b, rows, rg) {
		return true
	}
	defer ld.closeRows(b, rows, rg)
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
func (ld *lineDecoder) openRows(b *block, rows *auditparquet.Rows, rg int) bool {
	pq := b.pq.pf.pq
	if err := rows.Open(pq, rg, ld.pq.cols, ld.fresh); err != nil {
		ld.rep.add(BadParquet, Sample{File: b.src.Path, Detail: fmt.Sprintf("row group %d: %v", rg, err), order: b.order})
		return false
	}
	compressed, _ := pq.Bytes(rg, ld.pq.cols)
	ld.rep.CompressedBytes += compressed
	return true
}

// closeRows accounts for what rows read of row group rg, reports its
// damage if any, and closes it.
func (ld *lineDecoder) closeRows(b *block, rows *auditparquet.Rows, rg int) {
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
	e.Reset(ev, pd.source(b, m), m.Line, m.Node)
	if pd.cols.Has(auditparquet.ColFieldManager) {
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
func (pd *parquetDecoder) source(b *block, m *auditparquet.Meta) *Source {
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
		s = &Source{Path: path, Server: Server(m.Server), Node: NodeFromName(filepath.Base(path))}
		pd.sources[k] = s
	}
	pd.last = s
	return s
}

// mergeGroups decodes the row groups of a file, each sorted by time, and
// hands on their rows in time order. A row group is opened only when the
// merge reaches its first time, so that only row groups whose times
// overlap are open at once.
func (ld *lineDecoder) mergeGroups(b *block, groups []int, add func(*Entry) bool) bool {
	pq := b.pq.pf.pq
	type pending struct {
		rg    int
		first int64
	}
	queue := make([]pending, 0, len(groups))
	for _, rg := range groups {
		first, _, ok := pq.Times(rg)
		if !ok {
			first = math.MinInt64
		}
		queue = append(queue, pending{rg, first})
	}
	slices.SortStableFunc(queue, func(a, b pending) int { return cmp.Compare(a.first, b.first) })
	cols := ld.pq.cols | auditparquet.ColumnsOf(auditparquet.ColRequestReceived)
	var h rowHeap
	defer func() {
		for _, c := range h {
			ld.closeRows(b, &c.rows, c.rg)
		}
	}()
	for {
		for len(queue) > 0 && (len(h) == 0 || queue[0].first <= h[0].t) {
			c := &rowCursor{rg: queue[0].rg}
			queue = queue[1:]
			if err := c.rows.Open(pq, c.rg, cols, true); err != nil {
				ld.rep.add(BadParquet, Sample{File: b.src.Path, Detail: fmt.Sprintf("row group %d: %v", c.rg, err), order: b.order})
				continue
			}
			compressed, _ := pq.Bytes(c.rg, cols)
			ld.rep.CompressedBytes += compressed
			if c.next() {
				heap.Push(&h, c)
			} else {
				ld.closeRows(b, &c.rows, c.rg)
			}
		}
		if len(h) == 0 {
			return true
		}
		c := h[0]
		ev := c.ev
		ld.pq.meta = c.meta
		if c.next() {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
			ld.closeRows(b, &c.rows, c.rg)
		}
		if !ld.emitRow(b, ev, add) {
			return false
		}
	}
}

// rowCursor is a row group being merged, with its next row.
type rowCursor struct {
	rg   int
	rows auditparquet.Rows
	ev   *auditv1.Event
	meta auditparquet.Meta
	t    int64
}

// next reads the next row, reporting false at the end.
func (c *rowCursor) next() bool {
	c.ev = new(auditv1.Event)
	if !c.rows.Next(c.ev, &c.meta) {
		return false
	}
	c.t = auditparquet.Micros(c.ev.RequestReceivedTimestamp.Time)
	return true
}

// rowHeap orders cursors by their next row's time, then row group.
type rowHeap []*rowCursor

func (h rowHeap) Len() int { return len(h) }
func (h rowHeap) Less(i, j int) bool {
	if h[i].t != h[j].t {
		return h[i].t < h[j].t
	}
	return h[i].rg < h[j].rg
}
func (h rowHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)   { *h = append(*h, x.(*rowCursor)) }
func (h *rowHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
