package follow

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// Defaults of Options.
const (
	// DefaultPoll is how often Follow looks for growth and rotation.
	DefaultPoll = 250 * time.Millisecond
	// DefaultMaxLine is the longest line read, as package auditlog's.
	DefaultMaxLine = 64 << 20
)

// Options says how to follow. The zero value follows from the end.
type Options struct {
	// FromStart reads what is there first: the whole live files and, for
	// a directory, its rotated files, oldest first. Without it, reading
	// starts at the end of the live files' last complete line (a line
	// being written that began more than 64 KiB before the end is skipped
	// to its newline), and the rotated files there are not read. Following
	// a file rather than a directory, FromStart reads that file alone.
	// Files that appear later are read from their start either way.
	FromStart bool
	// Poll is how often to look for growth and rotation (DefaultPoll when
	// zero).
	Poll time.Duration
	// MaxLine is the longest line, in bytes without its line ending;
	// longer ones are skipped and reported (DefaultMaxLine when zero).
	MaxLine int
	// OnProblem, if set, is told of each input not read as lines, on
	// Follow's goroutine. Problems are counted in Stats either way.
	OnProblem func(Problem)
	// Stats, if set, counts what Follow does while it runs.
	Stats *Stats
}

// Batch is whole lines read at once: Lines holds one or more complete
// lines, each ending in '\n' (a line ending "\r\n" is passed as it is),
// the bytes of the file at Path from Offset (in the decompressed stream
// of a .gz file). Path is the name the file was opened under: the lines a
// file renamed away still had carry its former name. A trailing incomplete
// line is held back until its newline arrives. Lines is the receiver's to
// keep: Follow does not touch it again.
type Batch struct {
	Path   string
	Offset int64
	Lines  []byte
}

// Follow reads path until ctx is done, calling emit with each batch of
// whole lines, in order within each file. Path is a file, followed by its
// name across rotation, or a directory whose live audit log files are
// followed, those that appear later included (see the package
// documentation). Emit is called on Follow's goroutine, one batch at a
// time: while it blocks nothing more is read, so a full queue behind it
// holds the lines back in the files rather than losing them. An error
// from emit stops Follow, which returns it; otherwise Follow returns ctx's
// error once ctx is done, within one read (256 KiB) of it. A path that does not exist, is not a regular
// file or directory, or is a compressed file, and a directory that cannot
// be listed at the start, are errors at once; later failures are
// problems (Options.OnProblem).
func Follow(ctx context.Context, path string, opts Options, emit func(Batch) error) error {
	if opts.Poll < 0 || opts.MaxLine < 0 {
		return fmt.Errorf("follow: negative Poll (%v) or MaxLine (%d)", opts.Poll, opts.MaxLine)
	}
	if opts.Poll == 0 {
		opts.Poll = DefaultPoll
	}
	if opts.MaxLine == 0 {
		opts.MaxLine = DefaultMaxLine
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	f := &follower{
		opts:    opts,
		sink:    &sink{emit: emit, onProblem: opts.OnProblem, stats: opts.Stats},
		grace:   max(4*opts.Poll, time.Second),
		streams: make(map[string]*stream),
		told:    make(map[string]bool),
	}
	defer f.close()
	switch {
	case info.IsDir():
		f.dir = path
		if err := f.startDir(); err != nil {
			return err
		}
	case !info.Mode().IsRegular():
		return fmt.Errorf("follow: %s: not a regular file or directory", path)
	case strings.HasSuffix(path, ".gz"):
		return fmt.Errorf("follow: %s: a compressed file does not grow; read it with package auditlog", path)
	default:
		if err := f.startFile(path); err != nil {
			return err
		}
	}
	tick := time.NewTicker(opts.Poll)
	defer tick.Stop()
	for {
		if err := f.pass(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// follower is the state of one Follow call.
type follower struct {
	opts    Options
	sink    *sink
	grace   time.Duration      // how long a file renamed away is kept open at least
	dir     string             // the directory followed, "" for a file
	streams map[string]*stream // by live path
	order   []*stream          // streams in the order they were found
	told    map[string]bool    // directory entries reported Skipped
	dirErr  bool               // a listing error was reported
}

// startFile sets up following one file by its name.
func (f *follower) startFile(path string) error {
	st := f.addStream(path)
	o, err := openFollowed(path, !f.opts.FromStart, f.opts.MaxLine, f.sink)
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	st.cur, st.known = o, o.info
	return nil
}

// addStream starts following the live path.
func (f *follower) addStream(path string) *stream {
	st := &stream{path: path}
	f.streams[path] = st
	f.order = append(f.order, st)
	return st
}

// pass does one round: new live files in the directory, then each
// stream's new lines. Its error is emit's.
func (f *follower) pass(ctx context.Context) error {
	if f.dir != "" {
		f.scanDir()
	}
	for _, st := range f.order {
		if ctx.Err() != nil {
			return nil
		}
		if err := st.pass(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// close closes every file still open.
func (f *follower) close() {
	for _, st := range f.order {
		st.close(f)
	}
}
