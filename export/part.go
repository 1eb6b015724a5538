package export

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/auditlens/auditlens/internal/auditparquet"
)

// part is one partition a sink is writing: a file, and the rows buffered
// for its next row group (rows of their own: Row.Own).
type part struct {
	key    partKey
	path   string
	f      *os.File
	bw     *bufio.Writer
	w      *parquet.GenericWriter[*auditparquet.Row]
	rows   [][]auditparquet.Row  // in chunks of rowChunk, which never move
	free   *[][]auditparquet.Row // the sink's chunks to reuse
	order  []*auditparquet.Row   // the rows, by time, to write
	bytes  int64                 // the memory rows take, estimated
	groups int                   // row groups written
	count  int64                 // rows added, in every row group
	out    *file                 // the sink's record of the file
	used   int64                 // the sink's clock when last added to
}

// rowChunk is the number of rows in a chunk of a part's buffer.
const rowChunk = 1024

// newPart creates the file of a partition at path (its temporary name).
func newPart(k partKey, path string, opts *Options, free *[][]auditparquet.Row) (*part, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	p := &part{key: k, path: path, f: f, bw: bufio.NewWriterSize(f, 256<<10), free: free}
	p.w = auditparquet.NewWriter(p.bw, opts.Cluster)
	return p, nil
}

// add buffers a copy of r that owns its strings.
func (p *part) add(r *auditparquet.Row, in *auditparquet.Interner, clock int64) {
	p.used = clock
	p.count++
	if n := len(p.rows); n == 0 || len(p.rows[n-1]) == rowChunk {
		var chunk []auditparquet.Row
		if f := *p.free; len(f) > 0 {
			chunk, *p.free = f[len(f)-1], f[:len(f)-1]
		} else {
			chunk = make([]auditparquet.Row, 0, rowChunk)
		}
		p.rows = append(p.rows, chunk)
	}
	chunk := &p.rows[len(p.rows)-1]
	*chunk = append(*chunk, *r)
	p.bytes += (*chunk)[len(*chunk)-1].Own(in)
	p.order = append(p.order, &(*chunk)[len(*chunk)-1])
}

// flush writes the buffered rows, sorted by time, as a row group.
func (p *part) flush() (err error) {
	defer func() {
		// The Parquet library panics on some bad input; keep it an error.
		if v := recover(); v != nil {
			err = fmt.Errorf("%s: writing a row group: %v", p.path, v)
		}
	}()
	if len(p.order) == 0 {
		return nil
	}
	slices.SortStableFunc(p.order, func(a, b *auditparquet.Row) int {
		return cmp.Compare(a.RequestReceived, b.RequestReceived)
	})
	if _, err := p.w.Write(p.order); err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	clear(p.order)
	for _, chunk := range p.rows {
		clear(chunk)
		*p.free = append(*p.free, chunk[:0])
	}
	p.rows, p.order, p.bytes = p.rows[:0], p.order[:0], 0
	p.groups++
	return nil
}

// close writes the rest and the footer, syncs the file to disk (so that
// once it is renamed into place, its name never points at data a crash
// lost), closes it, and returns its size.
func (p *part) close() (int64, error) {
	err := p.flush()
	if err == nil {
		err = p.w.Close()
	}
	if err == nil {
		err = p.bw.Flush()
	}
	if err == nil {
		err = p.f.Sync()
	}
	var size int64
	if err == nil {
		var info os.FileInfo
		if info, err = p.f.Stat(); err == nil {
			size = info.Size()
		}
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	return size, err
}

// abort closes the file as it is.
func (p *part) abort() {
	p.f.Close()
}
