//go:build isal && cgo

package auditlog

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// The gzip framing (RFC 1952) around an inflater that reads raw deflate
// data: each member's header and trailer. Every failure is the one
// klauspost/compress/gzip reports for the same bytes, after consuming the
// same bytes, so that a file reads the same with either inflater.

// Flags of a gzip header (RFC 1952, 2.3.1).
const (
	gzipFlagHeaderCRC = 1 << 1
	gzipFlagExtra     = 1 << 2
	gzipFlagName      = 1 << 3
	gzipFlagComment   = 1 << 4
)

// gzipMaxString is the longest name or comment in a header, with its NUL.
const gzipMaxString = 512

// readGzipHeader reads one member's header. It returns io.EOF when the
// input ends before it (no more members), io.ErrUnexpectedEOF when it ends
// inside it, gzip.ErrHeader when it is not a gzip header or a field is
// wrong, or the input's own error.
func readGzipHeader(r *bufio.Reader) error {
	var fixed [10]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return err
	}
	if fixed[0] != gzipMagic[0] || fixed[1] != gzipMagic[1] || fixed[2] != 8 { // 8: deflate
		return gzip.ErrHeader
	}
	flags := fixed[3]
	sum := crc32.ChecksumIEEE(fixed[:])
	if flags&gzipFlagExtra != 0 {
		var size [2]byte
		if _, err := io.ReadFull(r, size[:]); err != nil {
			return unexpectedEOF(err)
		}
		extra := make([]byte, binary.LittleEndian.Uint16(size[:]))
		if _, err := io.ReadFull(r, extra); err != nil {
			return unexpectedEOF(err)
		}
		sum = crc32.Update(sum, crc32.IEEETable, size[:])
		sum = crc32.Update(sum, crc32.IEEETable, extra)
	}
	for _, flag := range []byte{gzipFlagName, gzipFlagComment} {
		if flags&flag == 0 {
			continue
		}
		var err error
		if sum, err = skipGzipString(r, sum); err != nil {
			return unexpectedEOF(err)
		}
	}
	if flags&gzipFlagHeaderCRC != 0 {
		var want [2]byte
		if _, err := io.ReadFull(r, want[:]); err != nil {
			return unexpectedEOF(err)
		}
		if binary.LittleEndian.Uint16(want[:]) != uint16(sum) {
			return gzip.ErrHeader
		}
	}
	if flags>>5 != 0 { // reserved flags
		return gzip.ErrHeader
	}
	return nil
}

// skipGzipString reads a NUL-terminated name or comment and returns the
// header's CRC32 updated with it.
func skipGzipString(r *bufio.Reader, sum uint32) (uint32, error) {
	var s [gzipMaxString]byte
	for i := range s {
		c, err := r.ReadByte()
		if err != nil {
			return sum, err
		}
		s[i] = c
		if c == 0 {
			return crc32.Update(sum, crc32.IEEETable, s[:i+1]), nil
		}
	}
	return sum, gzip.ErrHeader
}

// readGzipTrailer reads a member's trailer and checks it against the
// CRC32 and the size (modulo 2^32) of what the member decoded to.
func readGzipTrailer(r *bufio.Reader, crc, size uint32) error {
	var t [8]byte
	if _, err := io.ReadFull(r, t[:]); err != nil {
		return unexpectedEOF(err)
	}
	if binary.LittleEndian.Uint32(t[:4]) != crc || binary.LittleEndian.Uint32(t[4:]) != size {
		return gzip.ErrChecksum
	}
	return nil
}

// unexpectedEOF is err, with an input that ended (inside a header or a
// trailer) as io.ErrUnexpectedEOF.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// corruptDeflate is the error of corrupt deflate data, at offset bytes
// into the member's deflate data, of the type flate reports it with.
func corruptDeflate(offset int64) error {
	return flate.CorruptInputError(offset)
}
