package export

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

// maxOpenParts is how many files a sink writes at once; past that, it
// finishes the one it wrote least recently. A sink writes one file per
// partition (hour), whatever the number of inputs, so open files are
// bounded by the workers times this, whatever the input.
const maxOpenParts = 8

// idleAdds is how many rows a sink adds to other files before it finishes
// a file it no longer adds to (an hour gone by): each open file holds
// buffers, so that memory does not grow with the hours an export spans.
const idleAdds = 1 << 15

// Sink writes the entries of one worker into files of its own, one per
// partition at a time. It is an auditlog.Sink: Add is called by one
// goroutine. It copies what it keeps of an entry, so the entry need live
// only until Add returns.
type Sink struct {
	w      *Writer
	id     int
	parts  map[partKey]*part
	seq    int // the number of the sink's next file
	files  []*file
	clock  int64 // counts Adds, to find the partition used least recently
	err    error
	closed bool
	// own is what the sink wrote, merged what the sinks merged into it
	// wrote.
	own, merged Result
	// first and last are the earliest and latest requestReceivedTimestamp
	// written, in Unix nanoseconds (valid when own.Rows > 0).
	first, last int64

	batches batchPool // to reuse (part.rows)
	req     auditparquet.Request
	loc     auditparquet.Location
}

// file is a file a sink wrote.
type file struct {
	tmp, final string
	committed  bool
	rows       int64 // rows written, once finished
	bytes      int64 // size, once finished
}

// partKey is what a sink writes a file of: a partition of the export (an
// hour of a day, in UTC). Every input a worker reads goes to the same
// file of the hour, so that the files, and those open at once, do not
// grow with the number of inputs (600 inputs once gave 610 files, and too
// many open ones); a file is rotated by size (Options.FileRowGroups row
// groups of Options.RowGroupBytes).
type partKey struct {
	year, month, day, hour int
}

// partOf is the file key of an event received at t.
func partOf(t time.Time) partKey {
	t = t.UTC()
	y, m, d := t.Date()
	return partKey{year: y, month: int(m), day: d, hour: t.Hour()}
}

// dir is the partition's directory below the export's.
func (k partKey) dir(cluster string) string {
	return filepath.Join("cluster="+cluster, fmt.Sprintf("date=%04d-%02d-%02d", k.year, k.month, k.day), fmt.Sprintf("hour=%02d", k.hour))
}

func newSink(w *Writer, id int) *Sink {
	return &Sink{w: w, id: id, parts: make(map[partKey]*part)}
}

// Fields is the set of event fields the sink writes (Writer.Fields).
func (s *Sink) Fields() auditlog.Fields { return s.w.Fields() }

// Add writes e. An error (a full disk) stops the sink: Add then does
// nothing, and Err and the Writer's Close report the error.
func (s *Sink) Add(e *auditlog.Entry) {
	if s.err != nil || s.closed {
		return
	}
	ev := e.Event
	s.loc = auditparquet.Location{Node: e.Node, Line: e.Line}
	if src := e.Source; src != nil {
		s.loc.Server, s.loc.File = string(src.Server), src.Path
		if n, ok := s.w.skip[src.Path]; ok && e.Line <= n {
			s.own.AlreadyExported++
			return
		}
	}
	s.clock++
	p, err := s.part(partOf(ev.RequestReceivedTimestamp.Time))
	if err != nil {
		s.err = err
		return
	}
	r := e.Request()
	s.req = auditparquet.Request{APIGroup: r.APIGroup, APIVersion: r.APIVersion, Resource: r.Resource,
		Subresource: r.Subresource, Namespace: r.Namespace, Name: r.Name}
	s.req.FieldManager, s.req.HasFieldManager = e.FieldManager()
	p.add(ev, &s.req, &s.loc, s.w.opts.Bodies, s.clock)
	if t := ev.RequestReceivedTimestamp.UnixNano(); s.own.Rows == 0 {
		s.first, s.last = t, t
	} else {
		s.first, s.last = min(s.first, t), max(s.last, t)
	}
	s.own.Rows++
	switch {
	case p.bytes >= s.w.opts.RowGroupBytes:
		s.err = s.flush(p)
	case s.clock%256 == 0 && s.buffered() > s.w.opts.RowGroupBytes:
		s.err = s.flush(s.largest())
	case s.clock%4096 == 0:
		s.err = s.finishIdle()
	}
}

// part returns the open partition k, opening it (and closing the least
// recently used one) if needed.
func (s *Sink) part(k partKey) (*part, error) {
	if p := s.parts[k]; p != nil {
		return p, nil
	}
	if len(s.parts) >= maxOpenParts {
		var lru *part
		for _, p := range s.parts {
			if lru == nil || p.used < lru.used {
				lru = p
			}
		}
		if err := s.finish(lru); err != nil {
			return nil, err
		}
	}
	seq := s.seq
	s.seq++
	dir := filepath.Join(s.w.dir, k.dir(s.w.opts.Cluster))
	name := fmt.Sprintf("part-%s-%d-%d.parquet", s.w.run, s.id, seq)
	f := &file{tmp: filepath.Join(dir, "."+name+".tmp"), final: filepath.Join(dir, name)}
	p, err := newPart(k, f.tmp, &s.w.opts, &s.batches)
	if err != nil {
		return nil, err
	}
	p.out = f
	s.files = append(s.files, f)
	s.parts[k] = p
	return p, nil
}

// buffered is the memory the open partitions' buffers take.
func (s *Sink) buffered() int64 {
	var n int64
	for _, p := range s.parts {
		n += p.bytes
	}
	return n
}

// largest is the open partition with the most buffered.
func (s *Sink) largest() *part {
	var big *part
	for _, p := range s.parts {
		if big == nil || p.bytes > big.bytes {
			big = p
		}
	}
	return big
}

// finishIdle finishes the files not added to in idleAdds rows.
func (s *Sink) finishIdle() error {
	for _, p := range s.parts {
		if s.clock-p.used > idleAdds {
			if err := s.finish(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush writes p's buffer as a row group, and finishes p's file when it
// holds enough row groups.
func (s *Sink) flush(p *part) error {
	if err := p.flush(); err != nil {
		return err
	}
	if p.groups >= s.w.opts.FileRowGroups {
		return s.finish(p)
	}
	return nil
}

// finish writes the rest of p and closes its file.
func (s *Sink) finish(p *part) error {
	delete(s.parts, p.key)
	n, err := p.close()
	p.out.rows, p.out.bytes = p.count, n
	s.own.Files++
	s.own.Bytes += n
	s.own.RowGroups += p.groups
	return err
}

// Err is the error that stopped the sink, if any.
func (s *Sink) Err() error { return s.err }

// Merge adds what o wrote to s's result (Result); the files stay where
// they are. It is there so that a query merges export sinks as it merges
// aggregators.
func (s *Sink) Merge(o *Sink) {
	s.merged.add(&o.own)
	s.merged.add(&o.merged)
}

// Result is what the sink wrote so far, and what the sinks merged into it
// wrote.
func (s *Sink) Result() Result {
	r := Result{Dir: s.w.dir, Cluster: s.w.opts.Cluster}
	r.add(&s.own)
	r.add(&s.merged)
	return r
}

// Close finishes the sink's files (under their temporary names: the
// Writer's Close renames them). It returns the sink's first error.
func (s *Sink) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	for _, p := range s.parts {
		if err := s.finish(p); err != nil && s.err == nil {
			s.err = err
		}
	}
	if s.err != nil {
		return fmt.Errorf("export: %w", s.err)
	}
	return nil
}

// abort closes the sink's files without finishing them.
func (s *Sink) abort() {
	s.closed = true
	for _, p := range s.parts {
		p.abort()
	}
	clear(s.parts)
	if s.err == nil {
		s.err = errors.New("export: aborted")
	}
}
