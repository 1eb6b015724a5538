package follow

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"
)

// stream is one live file name followed: the file it names now, the
// files it named before that are still being read, and, from the start,
// its rotated files not read yet.
type stream struct {
	path    string
	queue   []rotatedFile // rotated files to read first, oldest first
	retired []*openFile   // files the name named before, oldest first
	cur     *openFile     // the file the name names, nil if none is open
	known   fs.FileInfo   // the file last opened under the name (even if that failed)
	statErr bool          // a stat error other than not-exist was reported
}

// pass reads what is new in the stream: its queued rotated files, then
// its retired files, then the current one, after checking whether the
// name still names it.
func (st *stream) pass(ctx context.Context, f *follower) error {
	for len(st.queue) > 0 && ctx.Err() == nil {
		if err := readRotated(ctx, st.queue[0], f.opts.MaxLine, f.sink); err != nil {
			return err
		}
		st.queue = st.queue[1:]
	}
	st.checkName(f)
	kept := st.retired[:0]
	for i, o := range st.retired {
		grew, err := o.drain(ctx, f.sink)
		if err != nil {
			st.retired = append(kept, st.retired[i:]...) // each once, for close
			return err
		}
		if grew {
			o.idle = 0
		} else {
			o.idle++
		}
		if o.broken || o.idle >= retireIdlePasses && time.Since(o.retiredAt) >= f.grace {
			o.close(true, f.sink)
			continue
		}
		kept = append(kept, o)
	}
	clear(st.retired[len(kept):])
	st.retired = kept
	if st.cur != nil && ctx.Err() == nil {
		st.cur.checkTruncated(f.sink)
		if _, err := st.cur.drain(ctx, f.sink); err != nil {
			return err
		}
	}
	return nil
}

// retireIdlePasses is how many passes in a row a file renamed away must
// read nothing before it is closed (and at least Follow's grace time).
const retireIdlePasses = 2

// checkName retires the current file when the name no longer names it
// (renamed away or removed) and opens the file it names now, from its
// start: it appeared after Follow started.
func (st *stream) checkName(f *follower) {
	info, err := os.Stat(st.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			if !st.statErr {
				st.statErr = true
				f.sink.problem(Problem{Kind: Unreadable, Path: st.path, Err: err})
			}
			return
		}
		st.retire(f)
		st.known = nil
		return
	}
	st.statErr = false
	if st.known != nil && os.SameFile(info, st.known) {
		return
	}
	st.retire(f)
	if o, ok := f.alreadyOpen(info); ok {
		// A file open under another name (renamed back, or renamed to
		// another live name): read on from where it is, never again.
		st.known = info
		if o != nil {
			st.cur = o
		}
		return
	}
	if !info.Mode().IsRegular() {
		st.known = info
		f.sink.problem(Problem{Kind: Skipped, Path: st.path, Err: errNotRegular})
		return
	}
	o, err := openFollowed(st.path, false, f.opts.MaxLine, f.sink)
	if err != nil {
		st.known = info // not retried until another file takes the name
		if errors.Is(err, fs.ErrNotExist) {
			st.known = nil // gone between stat and open: look again next pass
			return
		}
		f.sink.problem(Problem{Kind: Unreadable, Path: st.path, Err: err})
		return
	}
	st.cur, st.known = o, o.info
}

// retire moves the current file, if any, to the retired ones.
func (st *stream) retire(f *follower) {
	if st.cur == nil {
		return
	}
	st.cur.retiredAt = time.Now()
	st.retired = append(st.retired, st.cur)
	st.cur = nil
	f.sink.stats.update(func(c *Counts) { c.Rotations++ })
}

// close closes the stream's files without reporting what is incomplete:
// following stopped, the files did not end.
func (st *stream) close(f *follower) {
	for _, o := range st.retired {
		o.close(false, f.sink)
	}
	if st.cur != nil {
		st.cur.close(false, f.sink)
	}
	st.retired, st.cur = nil, nil
}

// alreadyOpen looks for the file info among those open. A retired one is
// taken back from its stream and returned, to be read on; one current
// under another name reports true with a nil file (that name reads it).
func (f *follower) alreadyOpen(info fs.FileInfo) (*openFile, bool) {
	for _, other := range f.order {
		if other.cur != nil && os.SameFile(info, other.cur.info) {
			return nil, true
		}
		for i, o := range other.retired {
			if os.SameFile(info, o.info) {
				other.retired = append(other.retired[:i], other.retired[i+1:]...)
				o.retiredAt, o.idle = time.Time{}, 0
				return o, true
			}
		}
	}
	return nil, false
}
