package auditlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// The formats Open recognises, as File.Format names them.
const (
	FormatPlain = "plain"
	FormatGzip  = "gzip"
	FormatZstd  = "zstd"
	// FormatParquet is a Parquet file (PAR1), which a Reader reads as an
	// export (see package export), by columns; Read gives its bytes as
	// they are.
	FormatParquet = "parquet"
)

// openBufferSize is the size of the reads from disk.
const openBufferSize = 256 << 10

// zstdMaxWindow is the largest zstd window accepted: enough for any
// compression level, up to zstd --ultra -22 and --long=27.
const zstdMaxWindow = 128 << 20

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	// parquetMagic also ends a Parquet file, whose footer says what it
	// holds.
	parquetMagic = []byte("PAR1")
)

// File is an opened Source, read as uncompressed bytes.
type File struct {
	src    *Source
	file   io.Closer
	disk   countingReader
	buf    *bufio.Reader
	r      io.Reader // what Read reads: buf, or a decompressor over it
	zstd   *zstd.Decoder
	format string
	err    error // sticky error of Read
	// release, when not nil, is called once the file is closed.
	release func()
	// closedAt is CompressedOffset when the file was closed (and buf,
	// reused since, is nil).
	closedAt int64
}

// diskBuffers are the read buffers of closed files, to reuse: a scan of
// many files then makes a few, not one per file.
var diskBuffers sync.Pool // of *bufio.Reader

// DecompressError is a compressed stream that is corrupt or cut short. It
// wraps the decompressor's error; a stream cut short wraps
// io.ErrUnexpectedEOF.
type DecompressError struct {
	// Path is the file's path.
	Path string
	// Format is FormatGzip or FormatZstd.
	Format string
	// Offset is how many bytes of the file the decompressor had consumed
	// when it failed.
	Offset int64
	// Err is the cause.
	Err error
}

// Error names the file, the format and the cause.
func (e *DecompressError) Error() string {
	return fmt.Sprintf("%s: %s at byte %d: %v", e.Path, e.Format, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *DecompressError) Unwrap() error { return e.Err }

// Open opens the source's file (standard input for Stdin) and returns it
// as uncompressed bytes. The
// format is told by the file's first bytes, not by its name: gzip (1f 8b;
// files of several gzip members are read as one stream), zstd (28 b5 2f fd;
// several frames likewise), Parquet (PAR1: Read gives its bytes as they
// are; a Reader reads it by columns), else plain text. An empty file is plain. Open
// fails only when the file cannot be opened; a corrupt compressed header is
// reported by the first Read.
func Open(src *Source) (*File, error) {
	osf, err := openInput(src)
	if err != nil {
		return nil, pathError(src.Path, err)
	}
	return newFile(src, osf)
}

// openWith opens the source's file as Open does, through fds, which waits
// out a shortage of file descriptors and is told when the file closes.
// Closing done ends the wait for a named pipe's writer, and its reads
// (openUnblocked).
func openWith(src *Source, fds *descriptors, done <-chan struct{}, stall func(bool)) (*File, error) {
	name := src.Path
	switch {
	case src.spool != "":
		name = src.spool
	case src.Path == Stdin || src.mem != nil:
		return Open(src) // no descriptor to wait for
	}
	osf, stop, err := openUnblocked(name, func(atOnce bool) (*os.File, error) {
		if atOnce {
			return fds.openFileWith(name, openPipe, done, stall)
		}
		return fds.openFile(name, done, stall)
	}, fds.release, done)
	if err != nil {
		return nil, pathError(src.Path, err)
	}
	release := fds.release
	if stop != nil {
		release = func() { stop(); fds.release() }
	}
	f, err := newFile(src, osf)
	if err != nil {
		release()
		return nil, err
	}
	f.release = release
	return f, nil
}

// newFile reads the opened file osf as src's uncompressed bytes; it closes
// osf when it fails.
func newFile(src *Source, osf io.ReadCloser) (*File, error) {
	f := &File{src: src, file: osf, format: FormatPlain}
	f.disk.r = osf
	if b, _ := diskBuffers.Get().(*bufio.Reader); b != nil {
		b.Reset(&f.disk)
		f.buf = b
	} else {
		f.buf = bufio.NewReaderSize(&f.disk, openBufferSize)
	}
	f.r = f.buf
	magic, err := f.buf.Peek(len(zstdMagic))
	if err != nil && err != io.EOF {
		osf.Close()
		return nil, pathError(src.Path, err)
	}
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		f.format = FormatGzip
		gz, err := gunzip.newReader(f.buf)
		if err != nil {
			f.err = f.decompressError(err)
			break
		}
		f.r = gz
	case bytes.HasPrefix(magic, zstdMagic):
		f.format = FormatZstd
		zd, err := zstd.NewReader(f.buf,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			f.err = f.decompressError(err)
			break
		}
		f.zstd = zd
		f.r = zd
	case bytes.HasPrefix(magic, parquetMagic):
		f.format = FormatParquet
	}
	return f, nil
}

// Read reads uncompressed bytes. At the end of the file it returns io.EOF;
// on a corrupt or truncated compressed stream it returns every byte
// decoded before the damage, then a *DecompressError. Errors are sticky.
func (f *File) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		if f.format != FormatPlain {
			err = f.decompressError(err)
		} else {
			err = pathError(f.src.Path, err)
		}
	}
	f.err = err
	return n, err
}

// decompressError wraps err, an error of the decompressor, as a
// *DecompressError, with an input that ended too soon as
// io.ErrUnexpectedEOF. A read error of the file itself is returned as is,
// naming the file.
func (f *File) decompressError(err error) error {
	if f.disk.err != nil && !errors.Is(f.disk.err, io.EOF) {
		return pathError(f.src.Path, f.disk.err)
	}
	if errors.Is(err, io.EOF) {
		// The input ended inside a header or a frame.
		err = io.ErrUnexpectedEOF
	}
	return &DecompressError{Path: f.src.Path, Format: f.format, Offset: f.CompressedOffset(), Err: err}
}

// CompressedOffset is how many bytes of the file have been consumed so far,
// compressed or not: read from disk and not still buffered. It equals the
// file's size once Read has returned io.EOF. It must not be called
// concurrently with Read.
func (f *File) CompressedOffset() int64 {
	if f.buf == nil {
		return f.closedAt
	}
	return f.disk.n - int64(f.buf.Buffered())
}

// Format is FormatGzip, FormatZstd, FormatParquet or FormatPlain.
func (f *File) Format() string { return f.format }

// Source is the source the file was opened from.
func (f *File) Source() *Source { return f.src }

// Close releases the decompressor and closes the file.
func (f *File) Close() error {
	if f.zstd != nil {
		f.zstd.Close()
		f.zstd = nil
	}
	if f.err == nil {
		f.err = fmt.Errorf("%s: %w", f.src.Path, os.ErrClosed)
	}
	err := f.file.Close()
	if f.buf != nil {
		// Read fails from now on: the buffer and the decompressor can go
		// to the next file.
		f.closedAt = f.CompressedOffset()
		if f.format == FormatGzip && f.r != f.buf && gunzip.done != nil {
			gunzip.done(f.r)
		}
		f.buf.Reset(nil)
		diskBuffers.Put(f.buf)
		f.buf, f.r = nil, nil
	}
	if f.release != nil {
		f.release()
		f.release = nil
	}
	return err
}

// countingReader counts the bytes read through it and keeps its first
// error.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}
