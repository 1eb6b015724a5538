package export

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/internal/auditparquet"
)

// part is one partition a sink is writing: a file, and the rows buffered
// for its next row group.
type part struct {
	key    partKey
	path   string
	f      *os.File
	bw     *bufio.Writer
	w      *parquet.GenericWriter[*auditparquet.Row]
	rows   *auditparquet.Batch // nil while none is buffered
	pool   *batchPool          // the sink's batches to reuse
	bytes  int64               // the memory rows take, estimated
	groups int                 // row groups written
	count  int64               // rows added, in every row group
	out    *file               // the sink's record of the file
	used   int64               // the sink's clock when last added to
}

// batchPool holds a sink's batches between the row groups they buffer, a
// few at most (a batch keeps the memory of the ends of the most values it
// held), and the chunks its batches copy strings into.
type batchPool struct {
	free   []*auditparquet.Batch
	chunks auditparquet.Chunks
}

// poolBatches is how many empty batches a sink keeps.
const poolBatches = 2

// get returns an empty batch.
func (bp *batchPool) get() *auditparquet.Batch {
	if n := len(bp.free); n > 0 {
		b := bp.free[n-1]
		bp.free = bp.free[:n-1]
		return b
	}
	b := new(auditparquet.Batch)
	b.Use(&bp.chunks)
	return b
}

// put empties b, giving its chunks back, and keeps it for another part or
// leaves it to the collector.
func (bp *batchPool) put(b *auditparquet.Batch) {
	b.Reset()
	if len(bp.free) < poolBatches {
		bp.free = append(bp.free, b)
	}
}

// newPart creates the file of a partition at path (its temporary name).
func newPart(k partKey, path string, opts *Options, pool *batchPool) (*part, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	p := &part{key: k, path: path, f: f, bw: bufio.NewWriterSize(f, 256<<10), pool: pool}
	p.w = auditparquet.NewWriter(p.bw, opts.Cluster)
	return p, nil
}

// add buffers a copy of the row of ev, req and loc (Batch.Add).
func (p *part) add(ev *auditv1.Event, req *auditparquet.Request, loc *auditparquet.Location, bodies bool, clock int64) {
	p.used = clock
	p.count++
	if p.rows == nil {
		p.rows = p.pool.get()
	}
	p.rows.Add(ev, req, loc, bodies)
	p.bytes = p.rows.Memory()
}

// flush writes the buffered rows, sorted by time, as a row group.
func (p *part) flush() (err error) {
	defer func() {
		// The Parquet library panics on some bad input; keep it an error.
		if v := recover(); v != nil {
			err = fmt.Errorf("%s: writing a row group: %v", p.path, v)
		}
	}()
	if p.rows == nil || p.rows.Len() == 0 {
		return nil
	}
	if err := auditparquet.WriteRowGroup(p.w, p.rows); err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	p.pool.put(p.rows)
	p.rows, p.bytes = nil, 0
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
