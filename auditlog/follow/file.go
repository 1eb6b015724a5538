package follow

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"
)

// tailScan is how far back from the end a start at the end looks for the
// last newline, so as to begin with the line being written.
const tailScan = 64 << 10

// errNotRegular is why a directory or a device is not followed.
var errNotRegular = errors.New("not a regular file")

// openFile is a plain file being followed, open, read up to off.
type openFile struct {
	f         *os.File
	info      fs.FileInfo // the file's identity, for os.SameFile
	off       int64       // the next byte to read
	cut       lineCutter
	broken    bool      // a read failed: no more reads
	retiredAt time.Time // when its name stopped naming it (zero while current)
	idle      int       // passes in a row that read nothing, once retired
}

// openFollowed opens path to follow it from its start, or from the end of
// its last complete line when atEnd.
func openFollowed(path string, atEnd bool, maxLine int, s *sink) (*openFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = errNotRegular
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	s.stats.update(func(c *Counts) { c.Files++ })
	o := &openFile{f: f, info: info}
	skipping := false
	if atEnd {
		o.off, skipping = lastLineStart(f, info.Size())
	}
	o.cut = newLineCutter(path, maxLine, o.off)
	o.cut.skipping = skipping
	return o, nil
}

// lastLineStart finds where the line being written at size starts: after
// the last newline. When there is none in the last tailScan bytes of a
// larger file, reading starts at size, skipping up to the next newline
// (the rest of a line begun before Follow started, not reported).
func lastLineStart(f *os.File, size int64) (int64, bool) {
	from := max(0, size-tailScan)
	buf := make([]byte, size-from)
	n, _ := f.ReadAt(buf, from)
	if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
		return from + int64(i) + 1, false
	}
	if from == 0 {
		return 0, false
	}
	return size, true
}

// drain reads the file to its current end, emitting whole lines. It
// reports whether anything was read; its error is emit's.
func (o *openFile) drain(ctx context.Context, s *sink) (bool, error) {
	grew := false
	for !o.broken && ctx.Err() == nil {
		buf := o.cut.space()
		n, err := o.f.ReadAt(buf, o.off)
		if n > 0 {
			grew = true
			o.off += int64(n)
			if err := o.cut.add(n, s); err != nil {
				return grew, err
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.problem(Problem{Kind: Unreadable, Path: o.cut.path, Offset: o.off, Err: err})
			o.broken = true
		}
	}
	return grew, nil
}

// checkTruncated starts again from 0 when the file shrank below what was
// read (copytruncate), reporting it.
func (o *openFile) checkTruncated(s *sink) {
	info, err := o.f.Stat()
	if err != nil || info.Size() >= o.off {
		return
	}
	s.problem(Problem{Kind: Truncated, Path: o.cut.path, Offset: o.off})
	o.off = 0
	o.cut.reset(0)
}

// close closes the file; when done it is finished with, so that an
// incomplete last line is reported.
func (o *openFile) close(done bool, s *sink) {
	if done {
		o.cut.finish(s)
	}
	o.f.Close()
}

// rotatedFile is a rotated file read once from the start: its plain
// name and its compressed one, either or both of which may exist.
type rotatedFile struct {
	name  rotatedName
	plain string // "" when only the .gz was listed
	gz    string // "" when only the plain file was listed
}

// readRotated reads a rotated file once, whole, preferring the plain file
// (its .gz sibling may be being written) and falling back to the .gz when
// the plain one was removed meanwhile (compression done).
func readRotated(ctx context.Context, r rotatedFile, maxLine int, s *sink) error {
	for _, p := range []string{r.plain, r.gz} {
		if p == "" {
			continue
		}
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			s.problem(Problem{Kind: Unreadable, Path: p, Err: err})
			return nil
		}
		s.stats.update(func(c *Counts) { c.Files++ })
		defer f.Close()
		if p == r.gz {
			return readCompressed(ctx, f, p, maxLine, s)
		}
		o := &openFile{f: f, cut: newLineCutter(p, maxLine, 0)}
		if _, err := o.drain(ctx, s); err != nil {
			return err
		}
		if ctx.Err() == nil {
			o.cut.finish(s)
		}
		return nil
	}
	s.problem(Problem{Kind: Vanished, Path: cmp.Or(r.plain, r.gz)})
	return nil
}

// readCompressed reads a gzip file whole; a damaged stream is reported
// after the lines before the damage.
func readCompressed(ctx context.Context, f *os.File, path string, maxLine int, s *sink) error {
	zr, err := gzip.NewReader(f)
	if err != nil {
		s.problem(Problem{Kind: Damaged, Path: path, Err: err})
		return nil
	}
	defer zr.Close()
	cut := newLineCutter(path, maxLine, 0)
	var off int64
	for ctx.Err() == nil {
		n, err := zr.Read(cut.space())
		off += int64(n)
		if n > 0 {
			if err := cut.add(n, s); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			cut.finish(s)
			return nil
		}
		if err != nil {
			s.problem(Problem{Kind: Damaged, Path: path, Offset: off, Err: err})
			return nil
		}
	}
	return nil
}
