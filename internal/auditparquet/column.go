package auditparquet

// stringColumn is a column of strings: their bytes, one after the other
// in chunks (Chunks), and where each ends. A value lies in one chunk, at
// the end of the value before when it fits there, at the start of a new
// chunk when not; so a value's position is found from its end and the end
// before (value). A value longer than a chunk has a buffer of its own,
// which takes the place of as many chunks as it would fill.
//
// A column of repeats (addRepeat) keeps a value once for rows in a row
// that have it, and the index of each row's value.
type stringColumn struct {
	// chunks hold the values: position p is at chunks[p/chunkBytes],
	// offset p%chunkBytes (nil where a long value's buffer goes on); they
	// are kept empty, the values between their length and capacity.
	chunks [][]byte
	// cur is the last chunk, filled to the end of the last value; room is
	// what it has left.
	cur  []byte
	room int
	end  uint32 // the end of the last value
	ends []uint32
	// rows are the index of each row's value in a column of repeats,
	// nil in the others.
	rows []uint32
	// pool is where chunks come from and go back to.
	pool *Chunks
	// used is the size of the values, in chunks that hold a little more:
	// the unused end of the last, and of those where the next value did
	// not fit.
	used int64
}

// chunkBytes is the size of a chunk.
const chunkBytes = 16 << 10

// Chunks is a free list of the chunks of memory that batches copy their
// strings into, shared by the batches of one goroutine (Batch.Use): a
// chunk freed by one (Reset) is reused by another, so that the memory
// held is the most the batches hold at once, without copies as a column
// grows.
type Chunks struct {
	free [][]byte
}

func (c *Chunks) get() []byte {
	if n := len(c.free); n > 0 {
		b := c.free[n-1]
		c.free = c.free[:n-1]
		return b
	}
	return make([]byte, 0, chunkBytes)
}

func (c *Chunks) put(b []byte) {
	if cap(b) == chunkBytes {
		c.free = append(c.free, b[:0])
	}
}

// add appends a copy of v.
func (s *stringColumn) add(v string) {
	if len(v) > s.room {
		s.newChunk(len(v))
	}
	s.cur = append(s.cur, v...)
	s.room -= len(v)
	s.end += uint32(len(v))
	s.used += int64(len(v))
	s.ends = append(s.ends, s.end)
}

// newChunk starts a chunk for a value of n bytes, or a buffer of its own
// if it is longer than a chunk, at the next chunk's position.
func (s *stringColumn) newChunk(n int) {
	s.end = (s.end + chunkBytes - 1) / chunkBytes * chunkBytes
	if n > chunkBytes {
		s.cur = make([]byte, 0, n)
		s.chunks = append(s.chunks, s.cur)
		for range (n - 1) / chunkBytes {
			s.chunks = append(s.chunks, nil)
		}
		s.room = n
		return
	}
	if s.pool == nil {
		s.pool = new(Chunks)
	}
	s.cur = s.pool.get()
	s.chunks = append(s.chunks, s.cur)
	s.room = chunkBytes
}

// value returns the bytes of value i.
func (s *stringColumn) value(i uint32) []byte {
	end := s.ends[i]
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	if start == end {
		return nil
	}
	// The value starts where the one before ends if it ends in that
	// chunk, else at the next chunk.
	if next := (start + chunkBytes - 1) / chunkBytes * chunkBytes; start%chunkBytes == 0 || end > next {
		start = next
	}
	chunk := s.chunks[start/chunkBytes]
	offset := start % chunkBytes
	return chunk[offset : offset+end-start : offset+end-start]
}

// addRepeat appends v to a column of repeats: the value of the row
// before if equal, or a copy.
func (s *stringColumn) addRepeat(v string) {
	n := uint32(len(s.ends))
	if n == 0 || string(s.value(n-1)) != v {
		s.add(v)
		n++
	}
	s.rows = append(s.rows, n-1)
}

// row returns the bytes of row r's value.
func (s *stringColumn) row(r int32) []byte {
	if s.rows != nil {
		return s.value(s.rows[r])
	}
	return s.value(uint32(r))
}

// reset empties s, giving its chunks back.
func (s *stringColumn) reset() {
	for i, c := range s.chunks {
		if c != nil && s.pool != nil {
			s.pool.put(c)
		}
		s.chunks[i] = nil
	}
	s.chunks, s.cur, s.room, s.end, s.ends, s.used = s.chunks[:0], nil, 0, 0, s.ends[:0], 0
	if s.rows != nil {
		s.rows = s.rows[:0]
	}
}
