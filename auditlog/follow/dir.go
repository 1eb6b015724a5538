package follow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// startDir sets up following a directory: its live files opened, at
// their end or start, and from the start its rotated files queued.
func (f *follower) startDir() error {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	for _, e := range entries {
		if kind, _ := classify(e.Name()); kind != nameLive {
			continue
		}
		path := filepath.Join(f.dir, e.Name())
		o, err := openFollowed(path, !f.opts.FromStart, f.opts.MaxLine, f.sink)
		if err != nil {
			continue // gone or unreadable: the first pass sees to it
		}
		st := f.addStream(path)
		st.cur, st.known = o, o.info
	}
	if !f.opts.FromStart {
		return nil
	}
	// Listed again after the live files were opened, so that a file
	// rotated in between is listed under its rotated name; one rotated
	// after is the open live file under another name, left out here.
	entries, err = os.ReadDir(f.dir)
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	rotated := make(map[string]*rotatedFile) // by plain path
	var names []string
	for _, e := range entries {
		kind, name := classify(e.Name())
		if kind != nameRotated {
			continue
		}
		path := filepath.Join(f.dir, e.Name())
		plain := strings.TrimSuffix(path, ".gz")
		r := rotated[plain]
		if r == nil {
			r = &rotatedFile{name: name}
			rotated[plain] = r
			names = append(names, plain)
		}
		if name.compressed {
			r.gz = path
		} else {
			r.plain = path
		}
	}
	for _, plain := range names {
		r := rotated[plain]
		live := filepath.Join(f.dir, r.name.live)
		st := f.streams[live]
		if st == nil {
			st = f.addStream(live)
		}
		if r.plain != "" && st.cur != nil {
			if info, err := os.Stat(r.plain); err == nil && os.SameFile(info, st.cur.info) {
				continue
			}
		}
		st.queue = append(st.queue, *r)
	}
	for _, st := range f.order {
		sortRotated(st.queue)
	}
	return nil
}

// scanDir adds a stream for each live file not seen before, and reports
// once each entry that is not an audit log.
func (f *follower) scanDir() {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		if !f.dirErr {
			f.dirErr = true
			f.sink.problem(Problem{Kind: Unreadable, Path: f.dir, Err: err})
		}
		return
	}
	f.dirErr = false
	for _, e := range entries {
		path := filepath.Join(f.dir, e.Name())
		switch kind, _ := classify(e.Name()); kind {
		case nameLive:
			if f.streams[path] == nil {
				f.addStream(path)
			}
		case nameOther:
			if !f.told[path] {
				f.told[path] = true
				f.sink.problem(Problem{Kind: Skipped, Path: path, Err: errors.New("not an audit log name")})
			}
		}
	}
}
