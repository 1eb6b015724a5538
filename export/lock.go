package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockName is the file that marks an export directory being written: one
// export at a time writes into a directory (a second one waits for the
// first to finish, see NewWriterContext). It starts with a dot, so that
// readers of the export (this module's, Spark's, Hive's) leave it out.
const LockName = ".auditlens_export.lock"

// lockHolder is what the lock file says of the export holding it.
type lockHolder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

func (h lockHolder) String() string {
	if h.PID == 0 {
		return "another export (which did not say what it is)"
	}
	return fmt.Sprintf("process %d on %s since %s", h.PID, h.Host, h.Since.Format(time.RFC3339))
}

// thisHolder describes this process as a lock holder.
func thisHolder() lockHolder {
	host, _ := os.Hostname()
	return lockHolder{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)}
}

// readHolder reads what a lock file's content says of its holder; the zero
// holder when it says nothing readable.
func readHolder(data []byte) lockHolder {
	var h lockHolder
	if json.Unmarshal(data, &h) != nil {
		return lockHolder{}
	}
	return h
}

// lockWait bounds the pause between two tries of a lock held by another
// export.
const (
	lockFirstWait = 20 * time.Millisecond
	lockMaxWait   = 500 * time.Millisecond
)

// lockDir takes the lock of the export in dir, waiting while another
// export holds it (notify is told once, with who holds it) until ctx is
// done. A lock whose holder ended without releasing it (its process
// killed) is taken over, and notify told so.
func lockDir(ctx context.Context, dir string, notify func(string)) (*dirLock, error) {
	path := filepath.Join(dir, LockName)
	me := thisHolder()
	told := false
	pause := lockFirstWait
	for {
		l, held, stale, err := tryLock(path, me)
		if err != nil {
			return nil, fmt.Errorf("export: locking %s: %w", dir, err)
		}
		if l != nil {
			if stale != nil && notify != nil {
				notify(fmt.Sprintf("export: took over the lock of %s from %s, which ended without releasing it", dir, stale))
			}
			return l, nil
		}
		if !told && notify != nil {
			notify(fmt.Sprintf("export: %s is being written by %s: waiting for it to finish", dir, held))
			told = true
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("export: waiting for the lock of %s, held by %s: %w", dir, held, context.Cause(ctx))
		case <-t.C:
		}
		pause = min(2*pause, lockMaxWait)
	}
}

// errLockGone is tryLock's note that the lock file it locked was removed
// (released by its holder) meanwhile: try again.
var errLockGone = errors.New("lock file replaced")
