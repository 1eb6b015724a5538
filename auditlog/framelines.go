package auditlog

import "bytes"

// lineFramer frames a source of lines (JSON lines, each perhaps after a
// prefix): blocks of whole lines, each numbered by its first line. A line
// longer than a buffer is read on into buffers of their own and becomes a
// block of its own size; one longer than maxLine is counted TooLong and
// skipped.
type lineFramer struct {
	sp *splitter
	// records, when not nil, turns the whole lines cut into those to
	// decode, holding back what is not whole yet (see criFramer).
	records recordJoiner
}

// recordJoiner joins the records of a source whose lines are cut into
// records.
type recordJoiner interface {
	// take returns what may be decoded of data, the whole lines read next
	// (the first numbered line), after what it held back; whole is false
	// when nothing may be decoded yet: data is held.
	take(data []byte, line int64) (out []byte, whole bool)
	// end returns the last bytes b of the source after what is held back.
	end(b []byte) []byte
}

func (fr *lineFramer) frame(f *File, buf *[]byte, readErr error, emit func(*block) bool) bool {
	sp := fr.sp
	line := int64(1)
	// long holds the full buffers of a line longer than a buffer, read so
	// far: the line becomes one block of its own size once its end is read.
	var long [][]byte
	longLen := 0
	for readErr == nil {
		readErr = sp.fill(f, buf) // buf is full the first time
		if readErr != nil {
			break
		}
		b := *buf
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
		if fr.records != nil {
			var whole bool
			if data, whole = fr.records.take(data, line); !whole {
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
	if fr.records != nil {
		b = fr.records.end(b)
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
