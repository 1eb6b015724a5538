package auditparquet

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Bounds of a page, far above what export writes (pages of 256 KiB
// before compression, one value at least), so that a damaged header cannot
// make the Parquet library allocate without bound.
const (
	maxPageBytes  = 256 << 20
	maxPageValues = 1 << 24
	// maxHeaderBytes bounds a page header (its statistics hold a string
	// value at most).
	maxHeaderBytes = 4 << 20
	// maxZstdWindow bounds the window of a page's zstd frame.
	maxZstdWindow = 64 << 20
)

// checkChunk walks the page headers of leaf i of column c in row group rg
// and checks that each page lies within the chunk, with sizes, value
// counts and a zstd frame header within bounds, before the Parquet library
// reads it.
func (f *File) checkChunk(rg int, c Column, i int) error {
	md := &f.pf.Metadata().RowGroups[rg].Columns[f.leaves[c][i].index].MetaData
	start := md.DataPageOffset
	if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
		start = md.DictionaryPageOffset
	}
	end := start + md.TotalCompressedSize
	if start < int64(len(Magic)) || md.TotalCompressedSize < 0 || end > f.size-8 {
		return fmt.Errorf("%w: column %s: chunk at [%d, %d) in a file of %d bytes", ErrDamaged, c, start, end, f.size)
	}
	for off := start; off < end; {
		h, n, err := f.pageHeader(off, end)
		if err != nil {
			return fmt.Errorf("%w: column %s: page at %d: %v", ErrDamaged, c, off, err)
		}
		off += int64(n)
		if err := f.checkPage(h, off, end, md.Codec); err != nil {
			return fmt.Errorf("%w: column %s: page at %d: %v", ErrDamaged, c, off, err)
		}
		off += int64(h.CompressedPageSize)
	}
	return nil
}

// pageHeader reads and checks the page header at off, and returns it with
// its length.
func (f *File) pageHeader(off, end int64) (*format.PageHeader, int, error) {
	for size := int64(512); ; size *= 8 {
		size = min(size, end-off, maxHeaderBytes)
		buf := make([]byte, size)
		if _, err := f.r.ReadAt(buf, off); err != nil && err != io.EOF {
			return nil, 0, err
		}
		n, err := checkThrift(buf)
		if err != nil {
			if size == end-off || size == maxHeaderBytes {
				return nil, 0, err
			}
			continue // the header may go on past what was read
		}
		h := new(format.PageHeader)
		if err := thrift.Unmarshal(new(thrift.CompactProtocol), buf[:n], h); err != nil {
			return nil, 0, err
		}
		return h, n, nil
	}
}

// checkPage checks a page header's sizes and value count, and the frame
// header of a zstd page, whose data starts at off.
func (f *File) checkPage(h *format.PageHeader, off, end int64, codec format.CompressionCodec) error {
	if h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > end-off {
		return fmt.Errorf("%d bytes where %d are left", h.CompressedPageSize, end-off)
	}
	if h.UncompressedPageSize < 0 || h.UncompressedPageSize > maxPageBytes {
		return fmt.Errorf("%d bytes uncompressed", h.UncompressedPageSize)
	}
	values := int32(0)
	switch {
	case h.DataPageHeader.Valid:
		values = h.DataPageHeader.V.NumValues
	case h.DataPageHeaderV2.Valid:
		values = h.DataPageHeaderV2.V.NumValues
	case h.DictionaryPageHeader.Valid:
		values = h.DictionaryPageHeader.V.NumValues
	}
	if values < 0 || values > maxPageValues {
		return fmt.Errorf("%d values", values)
	}
	if codec != format.Zstd || h.CompressedPageSize == 0 {
		return nil
	}
	var frame [18]byte
	n, err := f.r.ReadAt(frame[:min(len(frame), int(h.CompressedPageSize))], off)
	if err != nil && err != io.EOF {
		return err
	}
	return checkZstdFrame(frame[:n], int64(h.UncompressedPageSize))
}

// checkZstdFrame checks the header of the zstd frame that starts b: a
// content size it declares must not exceed the page's uncompressed size,
// nor its window maxZstdWindow.
func checkZstdFrame(b []byte, size int64) error {
	if len(b) < 5 || binary.LittleEndian.Uint32(b) != 0xfd2fb528 {
		return fmt.Errorf("no zstd frame")
	}
	fhd := b[4]
	single := fhd&0x20 != 0
	pos := 5
	if !single {
		w := b[pos]
		exp := int64(w>>3) + 10
		if exp > 30 {
			return fmt.Errorf("zstd window of 2^%d bytes", exp)
		}
		window := int64(1) << exp
		window += window / 8 * int64(w&7)
		if window > maxZstdWindow {
			return fmt.Errorf("zstd window of %d bytes", window)
		}
		pos++
	}
	pos += []int{0, 1, 2, 4}[fhd&3]
	fcsSize := []int{0, 2, 4, 8}[fhd>>6]
	if fcsSize == 0 && single {
		fcsSize = 1
	}
	if fcsSize == 0 {
		return nil
	}
	if len(b) < pos+fcsSize {
		return fmt.Errorf("zstd frame header cut short")
	}
	var fcs uint64
	switch fcsSize {
	case 1:
		fcs = uint64(b[pos])
	case 2:
		fcs = uint64(binary.LittleEndian.Uint16(b[pos:])) + 256
	case 4:
		fcs = uint64(binary.LittleEndian.Uint32(b[pos:]))
	case 8:
		fcs = binary.LittleEndian.Uint64(b[pos:])
	}
	if fcs > uint64(size) {
		return fmt.Errorf("zstd frame of %d bytes in a page of %d", fcs, size)
	}
	return nil
}
