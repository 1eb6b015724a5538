package auditlog

import (
	"bytes"
	"fmt"
	"strconv"
)

// docValue is one value of a JSON document, cut out by a docReader: what
// the decoder of its block reads instead of a line.
type docValue struct {
	start, end int   // in the block's data
	line       int64 // the line of the value's first byte
	offset     int64 // the uncompressed byte offset of its first byte
	in         string
	index      int   // its position in its container; -1 at the top level
	shape      Shape // the container's shape: the least shape of its events
}

// place returns where the value is, for entries and report samples.
func (v *docValue) place() place {
	p := place{line: v.line, offset: v.offset}
	if v.index >= 0 {
		p.path = v.in + "[" + strconv.Itoa(v.index) + "]"
	}
	return p
}

// docReader reads a file of whole JSON documents (see layoutDocument) and
// cuts it into values, in blocks for the decoders: the top-level values,
// except that the items of an array and of an object's container member
// (records, items, events, logEvents) are values of their own, streamed
// one by one. Memory holds one value at a time, however long the document
// or its line: a value longer than the longest line read is counted as
// TooLong and skipped. The document's other members (an EventList's kind
// and metadata, aws logs' nextForwardToken) are read past.
type docReader struct {
	sp   *splitter
	f    *File
	emit func(*block) bool
	// buf is the window of input: buf[pos:] is not consumed yet; keep is
	// where the value being captured starts in buf, or -1.
	buf       []byte
	pos, keep int
	base      int64 // the file offset of buf[0]
	line      int64 // the line number at buf[pos]
	last      byte  // the last byte consumed
	readErr   error // what ended the input: io.EOF at its end
	tooLong   bool  // the value being captured outgrew the limit
	// fault says a syntax error broke the document: the closing brackets
	// and commas of what was left are passed over.
	fault   bool
	out     *[]byte // the block being filled
	values  []docValue
	stopped bool // emit asked to stop
}

// docChunk is how much a docReader reads at a time.
const docChunk = 256 << 10

// docFramer frames a source of whole JSON documents (see layoutDocument):
// a docReader cuts it into values.
type docFramer struct{ sp *splitter }

func (fr docFramer) frame(f *File, buf *[]byte, readErr error, emit func(*block) bool) bool {
	sp := fr.sp
	d := &docReader{sp: sp, f: f, emit: emit, buf: *buf, keep: -1, line: 1, readErr: readErr}
	d.run()
	if d.stopped {
		return false
	}
	d.flush()
	if d.stopped {
		return false
	}
	lines := d.line - 1
	if d.last != '\n' && d.base+int64(d.pos) > 0 {
		lines++
	}
	sp.rep.Lines += lines
	sp.endOfInput(f, d.readErr)
	return true
}

// more reads more input, keeping what is not consumed and the value being
// captured. It reports false at the end of the input. A captured value
// that would outgrow the longest line is let go (tooLong).
func (d *docReader) more() bool {
	if d.readErr != nil {
		return false
	}
	from := d.pos
	if d.keep >= 0 {
		if d.pos-d.keep > d.sp.maxLine {
			d.keep, d.tooLong = -1, true
		} else {
			from = d.keep
		}
	}
	if from > 0 {
		n := copy(d.buf, d.buf[from:])
		d.buf = d.buf[:n]
		d.base += int64(from)
		d.pos -= from
		if d.keep >= 0 {
			d.keep -= from
		}
	}
	if cap(d.buf)-len(d.buf) < docChunk/2 {
		nb := make([]byte, len(d.buf), 2*cap(d.buf)+docChunk)
		copy(nb, d.buf)
		d.buf = nb
	}
	n, err := d.f.Read(d.buf[len(d.buf):cap(d.buf)])
	d.buf = d.buf[:len(d.buf)+n]
	d.sp.rep.Bytes += int64(n)
	d.sp.tell(d.f)
	if err != nil {
		d.readErr = err
	}
	return n > 0 || err == nil || d.more()
}

// advance consumes n bytes, counting their lines.
func (d *docReader) advance(n int) {
	if n == 0 {
		return
	}
	seg := d.buf[d.pos : d.pos+n]
	d.line += int64(bytes.Count(seg, newline))
	d.last = seg[n-1]
	d.pos += n
}

// offset is the file offset of the next byte.
func (d *docReader) offset() int64 { return d.base + int64(d.pos) }

// space skips white space and returns the next byte; ok is false at the
// end of the input.
func (d *docReader) space() (c byte, ok bool) {
	for {
		for d.pos < len(d.buf) {
			c := d.buf[d.pos]
			if !isSpace(c) {
				return c, true
			}
			if c == '\n' {
				d.line++
			}
			d.last = c
			d.pos++
		}
		if !d.more() {
			return 0, false
		}
	}
}

// problem counts a problem at a place of the document.
func (d *docReader) problem(p Problem, line, offset int64, detail string) {
	d.sp.rep.add(p, Sample{File: d.sp.src.Path, Line: line, Offset: offset, Detail: detail, order: d.sp.order})
}

// run reads the top-level values until the input ends or emit asks to
// stop.
func (d *docReader) run() {
	for !d.stopped {
		c, ok := d.space()
		if !ok {
			return
		}
		switch {
		case c == '{':
			d.object()
		case c == '[':
			d.advance(1)
			if d.items("", ShapeArray) {
				d.fault = false
			}
		case d.fault && (c == ',' || c == ']' || c == '}'):
			d.advance(1)
		default:
			d.garbage()
		}
	}
}

// garbage counts a line of the document that is not JSON and passes over
// it.
func (d *docReader) garbage() {
	d.problem(BadJSON, d.line, d.offset(), "not JSON")
	d.fault = true
	for {
		if i := bytes.IndexByte(d.buf[d.pos:], '\n'); i >= 0 {
			d.advance(i + 1)
			return
		}
		d.advance(len(d.buf) - d.pos)
		if !d.more() {
			return
		}
	}
}

// object reads a top-level object: an event or record, whole, or a
// wrapper whose container members' items are read one by one.
func (d *docReader) object() {
	line, off := d.line, d.offset()
	d.keep, d.tooLong = d.pos, false
	defer func() { d.keep = -1 }()
	d.advance(1)
	streamed := false
	for !d.stopped {
		c, ok := d.space()
		if !ok {
			if streamed {
				d.problem(Truncated, line, off, "JSON document cut off before its closing }")
			} else {
				d.problem(Truncated, line, off, "JSON document cut off")
			}
			return
		}
		switch c {
		case '}':
			d.advance(1)
			if !streamed {
				d.value(line, off, "", -1, ShapeDocument)
			}
			d.fault = false
			return
		case ',':
			d.advance(1)
			continue
		}
		key, ok := d.key()
		if ok {
			c, ok = d.space()
			ok = ok && c == ':'
		}
		if !ok {
			// Not a member: what is left of the object goes to the decoder,
			// which says what is wrong with it.
			if streamed {
				d.problem(BadJSON, d.line, d.offset(), "JSON document: expected a member")
				d.fault = true
				d.garbage()
				return
			}
			if d.nested(1) {
				d.value(line, off, "", -1, ShapeDocument)
			} else {
				d.problem(Truncated, line, off, "JSON document cut off")
			}
			return
		}
		d.advance(1) // the colon
		c, ok = d.space()
		if shape, isContainer := containerShape(key); isContainer && ok && c == '[' {
			streamed = true
			d.keep = -1
			d.advance(1)
			if !d.items(string(key), shape) {
				return
			}
			continue
		}
		if !ok || !d.skip() {
			d.problem(Truncated, line, off, "JSON document cut off")
			return
		}
	}
}

// key reads a member's key, a string, and returns a copy of its raw
// bytes; ok is false when what comes next is not a whole string.
func (d *docReader) key() (key []byte, ok bool) {
	if c, ok := d.space(); !ok || c != '"' {
		return nil, false
	}
	start := d.offset()
	if !d.skip() {
		return nil, false
	}
	if from := start - d.base; from >= 0 {
		return bytes.Clone(d.buf[from+1 : d.pos-1]), true
	}
	return nil, true // a key longer than the window: no container's
}

// items reads the items of an array whose [ is consumed, each a value of
// its own, up to and with the closing ]. It reports false when the input
// ends first (counted as Truncated) or emit asks to stop.
func (d *docReader) items(in string, shape Shape) bool {
	for index := 0; !d.stopped; {
		c, ok := d.space()
		if !ok {
			what := "JSON array"
			if in != "" {
				what = in
			}
			d.problem(Truncated, d.line, d.offset(), fmt.Sprintf("%s cut off after %s, before its closing ]", what, plural(int64(index), "item", "items")))
			return false
		}
		switch c {
		case ']':
			d.advance(1)
			return true
		case ',':
			d.advance(1)
			continue
		}
		line, off := d.line, d.offset()
		d.keep, d.tooLong = d.pos, false
		if !d.skip() {
			d.keep = -1
			d.problem(Truncated, line, off, fmt.Sprintf("%s[%d] cut off by the end of the file", in, index))
			return false
		}
		d.value(line, off, in, index, shape)
		d.keep = -1
		index++
	}
	return false
}

// value hands on the value captured from keep to pos, or counts it as too
// long.
func (d *docReader) value(line, off int64, in string, index int, shape Shape) {
	if d.tooLong || d.keep < 0 || d.pos-d.keep > d.sp.maxLine {
		v := docValue{line: line, offset: off, in: in, index: index}
		d.problem(TooLong, line, off, pathPrefix(v.place().path)+"value longer than the limit")
		return
	}
	data := d.buf[d.keep:d.pos]
	if d.out != nil && len(*d.out)+len(data) > blockSize && len(*d.out) > 0 {
		d.flush()
	}
	if d.out == nil {
		if len(data) > blockSize {
			b := make([]byte, 0, len(data))
			d.out = &b
		} else {
			d.out = d.sp.bufs.get()
		}
	}
	start := len(*d.out)
	*d.out = append(*d.out, data...)
	d.values = append(d.values, docValue{start: start, end: len(*d.out), line: line, offset: off, in: in, index: index, shape: shape})
}

// flush hands the values read so far to emit, as one block.
func (d *docReader) flush() {
	if d.out == nil || d.stopped {
		return
	}
	b := newBlock(d.sp.src, d.sp.order, d.values[0].line, *d.out, false)
	b.values = d.values
	d.out, d.values = nil, nil
	if !d.emit(b) {
		d.stopped = true
	}
}

// skip consumes one value: an object or array by its brackets, a string
// by its quotes, anything else up to a delimiter. It reports false when
// the input ends first.
func (d *docReader) skip() bool {
	switch d.buf[d.pos] {
	case '{', '[':
		return d.nested(0)
	case '"':
		d.advance(1)
		return d.stringEnd()
	}
	// Anything else runs to a delimiter; a stray delimiter is a value of
	// one byte, which the decoder will reject: every call consumes a byte.
	for first := true; ; first = false {
		i := d.pos
		if first {
			i++
		}
		for ; i < len(d.buf); i++ {
			switch d.buf[i] {
			case ',', ']', '}', ' ', '\t', '\r', '\n':
				d.advance(i - d.pos)
				return true
			}
		}
		d.advance(len(d.buf) - d.pos)
		if !d.more() {
			return true // a number or literal at the very end
		}
	}
}

// stringEnd consumes the rest of a string whose opening quote is
// consumed. A newline ends it too: a JSON string holds none, so the string
// is broken (its closing quote lost), and ending it there keeps the
// brackets after it counted as they are meant, so that the value holding
// it ends where it should, and is reported, and the values after it are
// read (a quote lost in a pretty-printed document swallowed the rest).
func (d *docReader) stringEnd() bool {
	for {
		rest := d.buf[d.pos:]
		i := 0
		for {
			i += plainRun(rest[i:])
			if i >= len(rest) || rest[i] == '"' || rest[i] == '\n' || rest[i] == '\\' && i+1 >= len(rest) {
				break
			}
			if rest[i] == '\\' {
				i += 2 // an escape: the escaped byte cannot end the string
			} else {
				i++ // a control or non-ASCII byte, checked when decoded
			}
		}
		if i < len(rest) && rest[i] == '"' {
			d.advance(i + 1)
			return true
		}
		if i < len(rest) && rest[i] == '\n' {
			d.advance(i)
			return true
		}
		d.advance(min(i, len(rest)))
		if !d.more() {
			return false
		}
	}
}

// nested consumes an object or array by counting brackets outside
// strings, from depth (0 for one that starts at pos, 1 for the rest of one
// whose opening bracket is consumed).
func (d *docReader) nested(depth int) bool {
	for {
		buf := d.buf
		i := d.pos
		for ; i < len(buf); i++ {
			switch buf[i] {
			case '"':
				d.advance(i + 1 - d.pos)
				if !d.stringEnd() {
					return false
				}
				buf, i = d.buf, d.pos-1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					d.advance(i + 1 - d.pos)
					return true
				}
			}
		}
		d.advance(i - d.pos)
		if !d.more() {
			return false
		}
	}
}

// pathPrefix is a value's path as the start of a report's detail.
func pathPrefix(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}
