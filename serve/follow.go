package serve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/auditlens/auditlens/auditlog/follow"
)

// Follow reads the audit log files at path (a file, or a directory of
// them) as they grow and across their rotation (see package follow), and
// hands their lines to Ingest, waiting while the queue is full: a full
// queue leaves the lines in the files, none is dropped. It returns when
// ctx is done (nil) or the server stops; the problems of reading (lines
// too long, files truncated or damaged) are counted in the metrics and in
// FollowLost.
func (s *Server) Follow(ctx context.Context, path string, opts follow.Options) error {
	opts.OnProblem = func(p follow.Problem) {
		s.metrics.follow.WithLabelValues(p.Kind.String()).Inc()
		if loses(p.Kind) {
			s.followLost.Add(1)
		}
	}
	err := follow.Follow(ctx, path, opts, func(b follow.Batch) error {
		batch := Batch{Name: fmt.Sprintf("%s at byte %d", b.Path, b.Offset), Data: b.Lines}
		for {
			err := s.Ingest(batch)
			if !errors.Is(err, ErrQueueFull) {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrStopped) {
		return nil
	}
	return err
}

// loses reports whether a problem of following lost lines.
func loses(k follow.Kind) bool {
	switch k {
	case follow.TooLong, follow.Truncated, follow.Damaged, follow.Unreadable, follow.Partial, follow.Vanished:
		return true
	}
	return false
}

// FollowLost is the number of problems of following files that lost
// lines (too long, truncated, damaged, unreadable, cut off, vanished
// before read).
func (s *Server) FollowLost() int64 { return s.followLost.Load() }
