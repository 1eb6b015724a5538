package auditlog

import (
	"errors"
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
// false. It reads the first bytes, which the sniffer looks at to choose
// the framer, and the framer reads the rest.
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
		// Open told it by its magic: it is read at offsets, not in order.
		return sp.framer(layoutRowGroups, nil).frame(f, nil, nil, emit)
	}
	defer f.Close()
	sp.rep.Files++
	defer sp.account(f, sp.rep.Lines, sp.rep.Bytes)
	buf := sp.bufs.get()
	for {
		readErr := sp.fill(f, buf)
		switch l := sp.sniff(f, *buf); l {
		case layoutSkip:
			sp.rep.CompressedBytes += f.CompressedOffset()
			return true
		case layoutRefill:
			// sniff made f read the file again from its start, as UTF-8.
			*buf = (*buf)[:0]
		default:
			return sp.framer(l, *buf).frame(f, buf, readErr, emit)
		}
	}
}

// fill reads f into the room left in buf, until it is full or the input
// ends (then it returns what ended it), counting the bytes read, and tells
// progress.
func (sp *splitter) fill(f *File, buf *[]byte) (readErr error) {
	b := *buf
	for len(b) < cap(b) && readErr == nil {
		var n int
		n, readErr = f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		sp.rep.Bytes += int64(n)
	}
	*buf = b
	sp.tell(f)
	return readErr
}

// tellLong passes n on to sp.long, if any.
func (sp *splitter) tellLong(n int) {
	if sp.long != nil {
		sp.long(n)
	}
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
