package parquetsource

import (
	"errors"
	"io"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/auditlog/internal/rowgroup"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

func init() { rowgroup.Register(format{}) }

// format is Parquet as auditlog reads it: the files export writes.
type format struct{}

func (format) Open(r io.ReaderAt, size int64) (rowgroup.File, error) {
	f, err := auditparquet.Open(r, size)
	if err != nil {
		return nil, err
	}
	return file{f}, nil
}

func (format) Damaged(err error) bool { return errors.Is(err, auditparquet.ErrDamaged) }

func (format) NewRows() rowgroup.Rows { return new(rows) }

// file is an opened Parquet file.
type file struct{ pq *auditparquet.File }

func (f file) Groups() int                              { return f.pq.NumRowGroups() }
func (f file) End(g int) int64                          { return f.pq.Offset(g) }
func (f file) Times(g int) (first, last int64, ok bool) { return f.pq.Times(g) }

// rows reads the rows of one row group after another.
type rows struct {
	rows auditparquet.Rows
	meta auditparquet.Meta
	// cols are the columns of fields, the fields of the last row group
	// opened: a reader reads every row group with the same.
	fields auditlog.Fields
	cols   auditparquet.Columns
}

func (r *rows) Open(f rowgroup.File, g int, fields uint32, fresh bool) (int64, error) {
	pq := f.(file).pq
	if r.cols == 0 || r.fields != auditlog.Fields(fields) {
		r.fields, r.cols = auditlog.Fields(fields), columnsOf(auditlog.Fields(fields))
	}
	cols := r.cols
	if err := r.rows.Open(pq, g, cols, fresh); err != nil {
		return 0, err
	}
	compressed, _ := pq.Bytes(g, cols)
	return compressed, nil
}

func (r *rows) Next(ev *auditv1.Event, m *rowgroup.Meta) bool {
	if !r.rows.Next(ev, &r.meta) {
		return false
	}
	*m = rowgroup.Meta{Server: r.meta.Server, Node: r.meta.Node, File: r.meta.File, Line: r.meta.Line,
		FieldManager: r.meta.FieldManager, HasFieldManager: r.meta.HasFieldManager}
	return true
}

func (r *rows) Bytes() int64 { return r.rows.Bytes() }
func (r *rows) Err() error   { return r.rows.Err() }
func (r *rows) Left() int64  { return r.rows.Left() }
func (r *rows) Close()       { r.rows.Close() }
