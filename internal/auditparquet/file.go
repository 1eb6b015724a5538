package auditparquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/parquet-go/parquet-go"
)

// Magic is the first and last four bytes of a Parquet file.
const Magic = "PAR1"

// ErrForeign is the error of Open for a Parquet file that auditlens did
// not write (its metadata lacks SchemaKey).
var ErrForeign = errors.New("a Parquet file not written by auditlens export")

// ErrDamaged is wrapped by the errors of Open and of reading rows for a
// file of ours that cannot be decoded.
var ErrDamaged = errors.New("damaged Parquet file")

// maxFooter bounds the footer size Open accepts: a damaged length must not
// make it allocate gigabytes.
const maxFooter = 4 << 20

// File is a Parquet file written by auditlens, opened for reading.
type File struct {
	r       io.ReaderAt
	size    int64
	pf      *parquet.File
	leaves  [numColumns][2]leafInfo
	cluster string
}

// leafInfo is where a leaf column is in a file.
type leafInfo struct {
	index          int
	maxDef, maxRep byte
}

// Open reads the footer of the Parquet file r, of size bytes, and checks
// that it is ours: its metadata has SchemaKey (else ErrForeign), of a
// version this package reads, and its columns have the types of Row's.
// Errors about a file of ours wrap ErrDamaged. Reading never panics: what
// the Parquet library might panic on is returned as an error.
func Open(r io.ReaderAt, size int64) (f *File, err error) {
	defer recoverError(&err)
	if err := checkEnds(r, size); err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	v, ok := pf.Lookup(SchemaKey)
	if !ok {
		return nil, ErrForeign
	}
	if v != SchemaVersion {
		return nil, fmt.Errorf("%w (schema version %q; this version of auditlens reads %q)", ErrForeign, v, SchemaVersion)
	}
	f = &File{r: r, size: size, pf: pf}
	f.cluster, _ = pf.Lookup(ClusterKey)
	for c := range numColumns {
		for i, path := range leafPaths(c) {
			leaf, ok := pf.Schema().Lookup(path...)
			if !ok {
				return nil, fmt.Errorf("%w: no column %s", ErrDamaged, c)
			}
			if err := checkLeaf(c, leaf); err != nil {
				return nil, err
			}
			f.leaves[c][i] = leafInfo{index: leaf.ColumnIndex, maxDef: byte(leaf.MaxDefinitionLevel), maxRep: byte(leaf.MaxRepetitionLevel)}
		}
	}
	for i := range pf.Metadata().RowGroups {
		g := &pf.Metadata().RowGroups[i]
		if n := len(g.Columns); n != len(pf.Schema().Columns()) {
			return nil, fmt.Errorf("%w: row group %d has %d columns", ErrDamaged, i, n)
		}
		if g.NumRows < 0 || g.NumRows > math.MaxInt32 {
			return nil, fmt.Errorf("%w: row group %d has %d rows", ErrDamaged, i, g.NumRows)
		}
	}
	return f, nil
}

// checkEnds checks the magic at both ends of the file and that the footer
// length fits in the file.
func checkEnds(r io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("%w: %d bytes is too short for Parquet", ErrDamaged, size)
	}
	var head [4]byte
	var tail [8]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return err
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(head[:]) != Magic || string(tail[4:]) != Magic {
		return fmt.Errorf("%w: no %s magic at both ends (cut short?)", ErrDamaged, Magic)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 || n > maxFooter {
		return fmt.Errorf("%w: footer of %d bytes in a file of %d", ErrDamaged, n, size)
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-8-n); err != nil {
		return err
	}
	if _, err := checkThrift(footer); err != nil {
		return fmt.Errorf("%w: footer: %v", ErrDamaged, err)
	}
	return nil
}

// checkLeaf checks that a leaf column has the type and levels c has in Row.
func checkLeaf(c Column, leaf parquet.LeafColumn) error {
	want, maxDef, maxRep := parquet.ByteArray, -1, 0
	switch kindOf(c) {
	case kindInt64:
		want, maxDef = parquet.Int64, 0
	case kindInt32:
		want, maxDef = parquet.Int32, 1
	case kindList, kindMap:
		maxDef, maxRep = 1, 1
	}
	got := leaf.Node.Type().Kind()
	ok := got == want && leaf.MaxRepetitionLevel == maxRep &&
		(maxDef < 0 && leaf.MaxDefinitionLevel <= 1 || leaf.MaxDefinitionLevel == maxDef)
	if !ok {
		return fmt.Errorf("%w: column %s is %v with levels %d/%d", ErrDamaged, c, got, leaf.MaxDefinitionLevel, leaf.MaxRepetitionLevel)
	}
	return nil
}

// recoverError turns a panic of the Parquet library on damaged input into
// an error wrapping ErrDamaged.
func recoverError(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("%w: %v", ErrDamaged, v)
	}
}

// Cluster is the cluster name in the file's metadata.
func (f *File) Cluster() string { return f.cluster }

// NumRowGroups is the number of row groups.
func (f *File) NumRowGroups() int { return len(f.pf.Metadata().RowGroups) }

// NumRows is the number of rows of row group rg.
func (f *File) NumRows(rg int) int64 { return f.pf.Metadata().RowGroups[rg].NumRows }

// Times returns the least and greatest request_received of row group rg,
// in microseconds since the Unix epoch, from its statistics; ok is false
// when the row group has none.
func (f *File) Times(rg int) (first, last int64, ok bool) {
	cc := &f.pf.Metadata().RowGroups[rg].Columns[f.leaves[ColRequestReceived][0].index]
	st := &cc.MetaData.Statistics
	lo, hi := st.MinValue, st.MaxValue
	if len(lo) != 8 || len(hi) != 8 {
		return 0, 0, false
	}
	return int64(binary.LittleEndian.Uint64(lo)), int64(binary.LittleEndian.Uint64(hi)), true
}

// Bytes returns the compressed and uncompressed sizes of the columns cols
// of row group rg.
func (f *File) Bytes(rg int, cols Columns) (compressed, uncompressed int64) {
	chunks := f.pf.Metadata().RowGroups[rg].Columns
	for c := range numColumns {
		if !cols.Has(c) {
			continue
		}
		for i := range leafPaths(c) {
			md := &chunks[f.leaves[c][i].index].MetaData
			compressed += md.TotalCompressedSize
			uncompressed += md.TotalUncompressedSize
		}
	}
	return compressed, uncompressed
}

// Offset is where row group rg ends in the file.
func (f *File) Offset(rg int) int64 {
	var end int64
	for _, cc := range f.pf.Metadata().RowGroups[rg].Columns {
		md := &cc.MetaData
		start := md.DataPageOffset
		if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
			start = md.DictionaryPageOffset
		}
		end = max(end, start+md.TotalCompressedSize)
	}
	return end
}

// chunk returns the column chunk of leaf i of column c in row group rg.
func (f *File) chunk(rg int, c Column, i int) parquet.ColumnChunk {
	return f.pf.RowGroups()[rg].ColumnChunks()[f.leaves[c][i].index]
}
