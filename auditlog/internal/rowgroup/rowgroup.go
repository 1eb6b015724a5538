// Package rowgroup is the hook by which a columnar format (Parquet, which
// package auditlog/parquetsource registers) becomes a source of package
// auditlog without auditlog linking the format's library: auditlog tells
// such files by their magic, hands their row groups to its workers and
// merges them by time, and reads every row through the [Format] registered
// here. A program that imports no format reads no such file, and says so.
package rowgroup

import (
	"io"
	"sync"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Format reads the files of a columnar format by row groups.
type Format interface {
	// Open opens the file of size bytes that r reads.
	Open(r io.ReaderAt, size int64) (File, error)
	// Damaged reports whether err, returned by Open or by Rows, says the
	// file is a damaged file of ours, as opposed to one the format does
	// not read (another writer's) or cannot read.
	Damaged(err error) bool
	// NewRows returns a reader of rows for one goroutine, which may read
	// one row group after another.
	NewRows() Rows
}

// File is an opened file of a Format.
type File interface {
	// Groups is the number of row groups.
	Groups() int
	// End is where row group g ends in the file, for progress.
	End(g int) int64
	// Times returns the least and greatest request received time of row
	// group g, in microseconds since the Unix epoch, from its statistics;
	// ok is false when the row group has none.
	Times(g int) (first, last int64, ok bool)
}

// Rows reads the rows of a row group into events, one at a time.
type Rows interface {
	// Open readies the rows to read row group g of f, decoding only the
	// columns that hold fields (an auditlog.Fields) and where each row
	// came from. It returns the compressed bytes of those columns. When
	// fresh is true, every event gets parts of its own, which may be
	// kept; otherwise an event is valid only until the next call to Next.
	Open(f File, g int, fields uint32, fresh bool) (compressed int64, err error)
	// Next reads the next row into ev, which it overwrites, and m. It
	// reports false at the end of the row group, or when the row group
	// turns out to be damaged (then Err says why).
	Next(ev *auditv1.Event, m *Meta) bool
	// Bytes is the number of uncompressed bytes read so far.
	Bytes() int64
	// Err is the error that stopped Next early.
	Err() error
	// Left is the number of rows not read yet.
	Left() int64
	// Close releases what the row group being read holds.
	Close()
}

// Meta is what a row says beside its event.
type Meta struct {
	// Server is the API server that logged the event, Node the node.
	Server, Node string
	// File is the path of the audit log it was read from, Line its line.
	File string
	Line int64
	// FieldManager is the requestURI's fieldManager parameter, and
	// HasFieldManager whether there is one (read with that field).
	FieldManager    string
	HasFieldManager bool
}

var (
	mu         sync.RWMutex
	registered Format
)

// Register makes f the format of the columnar files auditlog reads.
func Register(f Format) {
	mu.Lock()
	registered = f
	mu.Unlock()
}

// Registered is the registered format, or nil when none is.
func Registered() Format {
	mu.RLock()
	defer mu.RUnlock()
	return registered
}
