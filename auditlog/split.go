package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unsafe"
)

// blockSize is the size of the blocks of whole lines a splitter hands to
// the decoding workers.
const blockSize = 256 << 10

// block is a run of whole lines of one source.
type block struct {
	src   *Source
	order int   // the source's position in the read order
	line  int64 // the line number of the first line
	data  []byte
	// eof says the block ends the source: its last line may lack a newline.
	eof bool
	// text is data as a string. Strings of the events decoded from the
	// block are substrings of it, so the block's buffer is reused only by
	// readers whose strings need not outlive the call (see buffers).
	text string
	// pq, when not nil, is the block of a Parquet source: row groups to
	// decode instead of data (see parquet.go).
	pq *parquetUnit
	// values, when not nil, are the values of a JSON document that data
	// holds (see docReader): they are decoded instead of lines.
	values []docValue
}

// newBlock returns a block of data, which must not change while any string
// of it is in use.
func newBlock(src *Source, order int, line int64, data []byte, eof bool) *block {
	return &block{src: src, order: order, line: line, data: data, eof: eof,
		text: unsafe.String(unsafe.SliceData(data), len(data))}
}

// textOf returns sub, a piece of the block's data, as a piece of its text.
func (b *block) textOf(sub []byte) string {
	if len(sub) == 0 {
		return ""
	}
	start := cap(b.data) - cap(sub)
	return b.text[start : start+len(sub)]
}

// newBuffer returns an empty buffer for a block.
func newBuffer() *[]byte {
	b := make([]byte, 0, blockSize)
	return &b
}

// buffers recycles the buffers of decoded blocks, for readers whose
// entries' strings need not outlive the call that received them (Scan).
// A nil *buffers never recycles: the strings of decoded events point into
// the buffers, which then stay as long as a string does. The last buffer
// put back is the first handed out again: the likeliest to be in a cache.
type buffers struct {
	mu    sync.Mutex
	free  [][]byte
	limit int
}

// newBuffers returns a pool holding up to n free buffers.
func newBuffers(n int) *buffers {
	return &buffers{limit: n}
}

// get returns an empty buffer for a block: a recycled one if there is one.
func (p *buffers) get() *[]byte {
	if p != nil {
		p.mu.Lock()
		if n := len(p.free); n > 0 {
			b := p.free[n-1]
			p.free = p.free[:n-1]
			p.mu.Unlock()
			return &b
		}
		p.mu.Unlock()
	}
	return newBuffer()
}

// put lets go of a decoded block, keeping its buffer for reuse if it has
// the usual size.
func (p *buffers) put(b *block) {
	p.recycle(b.data)
	putBlock(b)
}

// recycle keeps buf for reuse if it has the usual size.
func (p *buffers) recycle(buf []byte) {
	if p != nil && cap(buf) == blockSize {
		buf = buf[:0]
		if poisonReused {
			// Make any string kept past its call visibly wrong in tests.
			full := buf[:blockSize]
			for i := range full {
				full[i] = '#'
			}
		}
		p.mu.Lock()
		if len(p.free) < p.limit {
			p.free = append(p.free, buf)
		}
		p.mu.Unlock()
	}
}

// putBlock lets go of a block.
func putBlock(b *block) {
	if b.pq != nil {
		b.pq.release()
		b.pq = nil
	}
	b.data, b.text = nil, ""
}

// splitter reads one source and cuts it into blocks at line boundaries,
// counting lines as it goes, so that every block knows the number of its
// first line whichever worker decodes it. Lines longer than maxLine are
// counted and skipped.
type splitter struct {
	src     *Source
	order   int
	maxLine int
	rep     *Report
	// bufs recycles block buffers; nil for never.
	bufs *buffers
	// progress, if not nil, is told of the file bytes read.
	progress func(n int64)
	reported int64
	// fds opens the file, waiting out a shortage of descriptors until
	// done is closed, and telling stall when it waits; nil opens it
	// directly.
	fds   *descriptors
	done  <-chan struct{}
	stall func(bool)
	// long, if not nil, is told of the bytes of a line longer than a
	// buffer as they are read (n > 0), and of their total once the line
	// is a block (n < 0).
	long func(n int)
}

// tell passes on to progress the file bytes read since its last call.
func (sp *splitter) tell(f *File) {
	if sp.progress == nil {
		return
	}
	off := f.CompressedOffset()
	if off > sp.reported {
		sp.progress(off - sp.reported)
		sp.reported = off
	}
}

// run reads the source and calls emit for each block, in order; emit owns
// the block. It stops early when emit returns false, and then reports
// false.
func (sp *splitter) run(emit func(*block) bool) bool {
	var f *File
	var err error
	if sp.fds != nil {
		f, err = openWith(sp.src, sp.fds, sp.done, sp.stall)
	} else {
		f, err = Open(sp.src)
	}
	if err != nil {
		sp.rep.add(Unreadable, Sample{File: sp.src.Path, Detail: withoutPath(err, sp.src.Path), order: sp.order})
		return true
	}
	if f.format == FormatParquet {
		return sp.parquet(f, emit)
	}
	defer f.Close()
	sp.rep.Files++
	defer sp.account(f, sp.rep.Lines, sp.rep.Bytes)
	line := int64(1)
	buf := sp.bufs.get()
	// long holds the full buffers of a line longer than a buffer, read so
	// far: the line becomes one block of its own size once its end is read.
	var long [][]byte
	longLen := 0
	var readErr error
	sniffed := false
	var cri *criJoiner // a container runtime log's records held back
	for readErr == nil {
		// Fill the buffer.
		b := *buf
		for len(b) < cap(b) && readErr == nil {
			var n int
			n, readErr = f.Read(b[len(b):cap(b)])
			b = b[:len(b)+n]
			sp.rep.Bytes += int64(n)
		}
		*buf = b
		sp.tell(f)
		if !sniffed {
			sniffed = true
			switch sp.sniff(f, b) {
			case layoutDocument:
				return sp.document(f, buf, readErr, emit)
			case layoutSkip:
				sp.rep.CompressedBytes += f.CompressedOffset()
				return true
			case layoutRefill:
				// sniff made f read the file again from its start, as UTF-8.
				*buf, readErr, sniffed = (*buf)[:0], nil, false
				continue
			}
			if isCRI(b) {
				cri = new(criJoiner)
			}
		}
		if readErr != nil {
			break
		}
		cut := bytes.LastIndexByte(b, '\n') + 1
		if cut == 0 {
			// One line fills the buffer: keep it and read on, or skip the
			// line.
			if longLen+len(b) <= sp.maxLine {
				long = append(long, b)
				longLen += len(b)
				sp.tellLong(len(b))
				buf = sp.bufs.get()
				continue
			}
			sp.rep.add(TooLong, Sample{File: sp.src.Path, Line: line, Detail: "line longer than the limit", order: sp.order})
			for _, c := range long {
				sp.bufs.recycle(c)
			}
			sp.tellLong(-longLen)
			long, longLen = long[:0], 0
			var rest []byte
			rest, readErr = skipLine(f, b, sp.rep)
			line++
			sp.rep.Lines++
			*buf = append((*buf)[:0], rest...)
			continue
		}
		next := sp.bufs.get()
		*next = append((*next)[:0], b[cut:]...)
		data := b[:cut]
		if len(long) > 0 {
			data = sp.join(long, data)
			sp.bufs.recycle(b)
			sp.tellLong(-longLen)
			long, longLen = long[:0], 0
		}
		if cri != nil {
			var whole bool
			if data, whole = sp.criTake(cri, data, line); !whole {
				buf = next
				continue
			}
		}
		blk := newBlock(sp.src, sp.order, line, data, false)
		n := int64(bytes.Count(blk.data, newline))
		line += n
		sp.rep.Lines += n
		buf = next
		if !emit(blk) {
			return false
		}
	}
	b := *buf
	if len(long) > 0 {
		b = sp.join(long, b)
		sp.tellLong(-longLen)
	}
	if cri != nil {
		b = sp.criEnd(cri, b)
	}
	if len(b) > 0 {
		n := int64(bytes.Count(b, newline))
		if b[len(b)-1] != '\n' {
			n++
		}
		sp.rep.Lines += n
	}
	sp.endOfInput(f, readErr)
	return emit(newBlock(sp.src, sp.order, line, b, true))
}

var newline = []byte{'\n'}

// criTake hands data, the whole records read next from a container runtime
// log (first line numbered line), to j, and returns what may be decoded
// now: the records held and those of data up to the last point where no
// line is open, joined (criJoiner.join). whole is false when there is none
// yet: data is held. A line that grows past maxLine is counted TooLong and
// let go.
func (sp *splitter) criTake(j *criJoiner, data []byte, line int64) (out []byte, whole bool) {
	cut := j.cut(data)
	if cut == 0 {
		if len(j.held)+len(data) <= sp.maxLine {
			j.held = append(j.held, data...)
			sp.tellLong(len(data))
			return nil, false
		}
		// The open line is let go, its records made empty lines up to
		// its last; the other records stay.
		sp.rep.add(TooLong, Sample{File: sp.src.Path, Line: line, Detail: "line longer than the limit", order: sp.order})
		all := append(j.held, data...)
		sp.tellLong(-len(j.held))
		j.held, j.open, j.dropping, j.scanDropping = nil, false, true, true
		return sp.criTake(j, all, line)
	}
	out = data[:cut]
	if len(j.held) > 0 {
		sp.tellLong(-len(j.held))
		out = append(j.held, out...)
	}
	out = j.join(out)
	j.held = append([]byte(nil), data[cut:]...)
	sp.tellLong(len(j.held))
	return out, true
}

// criEnd returns the last bytes b of a container runtime log after what
// is held, joined, and notes in the report the stderr records passed
// over.
func (sp *splitter) criEnd(j *criJoiner, b []byte) []byte {
	if len(j.held) > 0 {
		sp.tellLong(-len(j.held))
	}
	out := j.join(append(j.held, b...))
	fr := sp.rep.fileAt(sp.order, sp.src.Path)
	note := "container runtime log"
	if j.stderr > 0 {
		note += fmt.Sprintf(": %d lines of stderr (the API server's own log) passed over", j.stderr)
	}
	fr.Notes = append(fr.Notes, note)
	return out
}

// tellLong passes n on to sp.long, if any.
func (sp *splitter) tellLong(n int) {
	if sp.long != nil {
		sp.long(n)
	}
}

// join returns the buffers of a long line, then tail, in one buffer of
// their size, and lets go of the buffers.
func (sp *splitter) join(long [][]byte, tail []byte) []byte {
	n := len(tail)
	for _, c := range long {
		n += len(c)
	}
	data := make([]byte, 0, n)
	for _, c := range long {
		data = append(data, c...)
		sp.bufs.recycle(c)
	}
	return append(data, tail...)
}

// withoutPath is the message of err, an error about the file at path,
// without the path it starts with: a Sample names its file already.
func withoutPath(err error, path string) string {
	return strings.TrimPrefix(err.Error(), path+": ")
}

// endOfInput counts what ended the source's input, when it is not its
// end (a decompression error, or one reading the file), and the
// compressed bytes read.
func (sp *splitter) endOfInput(f *File, readErr error) {
	if readErr != nil && !errors.Is(readErr, io.EOF) {
		sample := Sample{File: sp.src.Path, Detail: withoutPath(readErr, sp.src.Path), order: sp.order}
		var de *DecompressError
		if errors.As(readErr, &de) {
			sample.Offset, sample.Detail = de.Offset, de.Err.Error()
			sp.rep.add(Decompress, sample)
		} else {
			sp.rep.add(Unreadable, sample)
		}
	}
	sp.rep.CompressedBytes += f.CompressedOffset()
}

// skipLine reads and drops bytes up to the end of the current line; b is
// what was already read of it. It returns what was read after the line.
func skipLine(f *File, b []byte, rep *Report) ([]byte, error) {
	b = b[:cap(b)]
	for {
		n, err := f.Read(b)
		rep.Bytes += int64(n)
		if i := bytes.IndexByte(b[:n], '\n'); i >= 0 {
			return b[i+1 : n], err
		}
		if err != nil {
			return nil, err
		}
	}
}
