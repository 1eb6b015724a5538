package follow

import (
	"fmt"
	"sync"
)

// Kind is what went wrong with some input.
type Kind int

// The kinds of [Problem].
const (
	// TooLong: a line longer than Options.MaxLine (its line ending not
	// counted), skipped. Offset is where it starts.
	TooLong Kind = iota + 1
	// Truncated: the followed file shrank (copytruncate) and is read again
	// from its start; lines written since the last read before the
	// truncation are lost. Offset is where reading had reached.
	Truncated
	// Vanished: a file listed to be read was removed before it was opened.
	Vanished
	// Unreadable: a file or the directory could not be opened, listed or
	// read; Err says why. Offset is where reading stopped.
	Unreadable
	// Damaged: a gzip stream is damaged or cut short; the lines before the
	// damage were read. Offset is in the decompressed stream.
	Damaged
	// Partial: a finished file (rotated, or renamed away and idle) ends
	// in a line without its newline, dropped. Offset is where it starts.
	Partial
	// Skipped: a directory entry that is not an audit log name (nor
	// bookkeeping such as termination.log) is not followed; reported once.
	Skipped
)

// String names the kind as a metric label would.
func (k Kind) String() string {
	switch k {
	case TooLong:
		return "too_long"
	case Truncated:
		return "truncated"
	case Vanished:
		return "vanished"
	case Unreadable:
		return "unreadable"
	case Damaged:
		return "damaged"
	case Partial:
		return "partial"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Problem is input not read as lines: its place and kind.
type Problem struct {
	Kind   Kind
	Path   string
	Offset int64 // in the file (decompressed for a .gz); 0 when the whole file is meant
	Err    error // the cause, when there is one
}

// String describes the problem in one line.
func (p Problem) String() string {
	s := fmt.Sprintf("%s: %s at offset %d", p.Path, p.Kind, p.Offset)
	if p.Err != nil {
		s += ": " + p.Err.Error()
	}
	return s
}

// Counts is what Follow has done so far.
type Counts struct {
	Bytes     int64 // bytes of whole lines emitted
	Batches   int64 // batches emitted
	Files     int64 // files opened
	Rotations int64 // followed files renamed away or replaced

	// Problems by kind.
	TooLong, Truncated, Vanished, Unreadable, Damaged, Partial, Skipped int64
}

// Stats is updated by Follow as it runs and may be read at any time from
// any goroutine (for metrics).
type Stats struct {
	mu sync.Mutex
	c  Counts
}

// Counts returns a copy of the counts so far.
func (s *Stats) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

// update changes the counts under the lock; a nil Stats counts nothing.
func (s *Stats) update(change func(*Counts)) {
	if s == nil {
		return
	}
	s.mu.Lock()
	change(&s.c)
	s.mu.Unlock()
}

// countProblem adds one problem of kind k.
func (c *Counts) countProblem(k Kind) {
	switch k {
	case TooLong:
		c.TooLong++
	case Truncated:
		c.Truncated++
	case Vanished:
		c.Vanished++
	case Unreadable:
		c.Unreadable++
	case Damaged:
		c.Damaged++
	case Partial:
		c.Partial++
	case Skipped:
		c.Skipped++
	}
}
