package follow

import "bytes"

// readChunk is how much is read at a time, and so about the most a batch
// holds (more when a long line was held).
const readChunk = 256 << 10

// sink is where batches and problems go.
type sink struct {
	emit      func(Batch) error
	onProblem func(Problem)
	stats     *Stats
}

// problem reports and counts p.
func (s *sink) problem(p Problem) {
	s.stats.update(func(c *Counts) { c.countProblem(p.Kind) })
	if s.onProblem != nil {
		s.onProblem(p)
	}
}

// batch emits b and counts it.
func (s *sink) batch(b Batch) error {
	s.stats.update(func(c *Counts) { c.Bytes += int64(len(b.Lines)); c.Batches++ })
	return s.emit(b)
}

// lineCutter cuts the bytes of one file, read in order, into batches of
// whole lines. It holds back an incomplete last line until its newline
// arrives, and skips lines longer than maxLine.
type lineCutter struct {
	path     string
	maxLine  int
	chunk    int    // bytes to have free for each read
	held     []byte // read, not yet emitted: the start of an incomplete line
	start    int64  // offset of held[0] in the file
	skipping bool   // dropping the rest of a line longer than maxLine
}

// newLineCutter cuts path's bytes from offset at.
func newLineCutter(path string, maxLine int, at int64) lineCutter {
	return lineCutter{path: path, maxLine: maxLine, chunk: readChunk, start: at}
}

// space returns room to read into, right after what is held; pass what
// was read to add.
func (c *lineCutter) space() []byte {
	if cap(c.held)-len(c.held) < c.chunk {
		// Doubling, so that a long line is not copied again at each read.
		grown := make([]byte, len(c.held), max(len(c.held)+c.chunk, 2*cap(c.held)))
		copy(grown, c.held)
		c.held = grown
	}
	return c.held[len(c.held):cap(c.held)]
}

// add takes the n bytes just read into space(), emits the whole lines
// and keeps the rest.
func (c *lineCutter) add(n int, s *sink) error {
	data := c.held[:len(c.held)+n]
	at := c.start
	if c.skipping {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			c.held, c.start = c.held[:0], at+int64(len(data))
			return nil
		}
		c.skipping = false
		data, at = data[i+1:], at+int64(i+1)
	}
	if last := bytes.LastIndexByte(data, '\n'); last >= 0 {
		whole, rest := data[:last+1:last+1], data[last+1:]
		if 2*len(whole) < cap(c.held) {
			// A few lines: copied out, so that the receiver keeping them
			// does not keep the whole buffer alive.
			whole = bytes.Clone(whole)
			if err := c.emitWhole(whole, at, s); err != nil {
				return err
			}
			c.held = c.held[:copy(c.held[:cap(c.held)], rest)]
		} else {
			if err := c.emitWhole(whole, at, s); err != nil {
				return err
			}
			// The lines emitted are the receiver's: the rest is held in
			// a new array.
			held := make([]byte, len(rest), max(c.chunk, len(rest)+c.chunk))
			copy(held, rest)
			c.held = held
		}
		c.start = at + int64(last+1)
	} else {
		c.held = c.held[:copy(c.held[:cap(c.held)], data)]
		c.start = at
	}
	if lineTooLong(c.held, false, c.maxLine) {
		s.problem(Problem{Kind: TooLong, Path: c.path, Offset: c.start})
		c.skipping = true
		c.start += int64(len(c.held))
		c.held = c.held[:0]
	}
	return nil
}

// emitWhole emits whole, complete lines starting at offset at, leaving out
// those longer than maxLine, so that each batch is contiguous in the file.
func (c *lineCutter) emitWhole(whole []byte, at int64, s *sink) error {
	if len(whole) <= c.maxLine+1 { // no line in it can be too long
		return s.batch(Batch{Path: c.path, Offset: at, Lines: whole})
	}
	from := 0
	for i := 0; i < len(whole); {
		end := i + bytes.IndexByte(whole[i:], '\n') + 1
		if lineTooLong(whole[i:end], true, c.maxLine) {
			if from < i {
				if err := s.batch(Batch{Path: c.path, Offset: at + int64(from), Lines: whole[from:i:i]}); err != nil {
					return err
				}
			}
			s.problem(Problem{Kind: TooLong, Path: c.path, Offset: at + int64(i)})
			from = end
		}
		i = end
	}
	if from < len(whole) {
		return s.batch(Batch{Path: c.path, Offset: at + int64(from), Lines: whole[from:]})
	}
	return nil
}

// lineTooLong reports whether line (complete, ending in '\n', or not yet)
// is longer than maxLine once its line ending ("\n" or "\r\n") is left
// out. An incomplete line ending in '\r' may be one byte longer, as that
// '\r' may turn out to be part of its ending.
func lineTooLong(line []byte, complete bool, maxLine int) bool {
	n := len(line)
	if complete {
		n--
	}
	if n > 0 && line[n-1] == '\r' {
		n--
	}
	return n > maxLine
}

// finish reports an incomplete last line when the file is done with.
func (c *lineCutter) finish(s *sink) {
	if len(c.held) > 0 && !c.skipping {
		s.problem(Problem{Kind: Partial, Path: c.path, Offset: c.start})
	}
	c.held, c.skipping = nil, false
}

// reset starts again at offset at, dropping what is held.
func (c *lineCutter) reset(at int64) {
	c.held, c.start, c.skipping = c.held[:0], at, false
}
