//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package export

import (
	"encoding/json"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// dirLock is a held lock of an export directory: an flock(2) on its lock
// file, which the kernel releases when the process ends however it ends.
type dirLock struct {
	f    *os.File
	path string
}

// tryLock tries once to take the lock at path for me. It returns the lock,
// or, when another export holds it, that holder. stale is the holder the
// file named when the lock was free though not removed: one that ended
// without releasing it.
func tryLock(path string, me lockHolder) (l *dirLock, held, stale *lockHolder, err error) {
	for {
		l, held, stale, err = tryFlock(path, me)
		if !errors.Is(err, errLockGone) {
			return l, held, stale, err
		}
	}
}

func tryFlock(path string, me lockHolder) (*dirLock, *lockHolder, *lockHolder, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		data, _ := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			h := readHolder(data)
			return nil, &h, nil, nil
		}
		return nil, nil, nil, err
	}
	// Locked: the file must still be the one at path, not one its holder
	// removed on release (after which another export may have made a new
	// one and locked it).
	fi, err1 := f.Stat()
	pi, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(fi, pi) {
		f.Close()
		if err1 != nil {
			return nil, nil, nil, err1
		}
		return nil, nil, nil, errLockGone
	}
	var stale *lockHolder
	if data, _ := io.ReadAll(io.LimitReader(f, 4096)); len(data) > 0 {
		h := readHolder(data)
		stale = &h
	}
	data, _ := json.Marshal(me)
	if err := writeHolder(f, data); err != nil {
		f.Close()
		return nil, nil, nil, err
	}
	return &dirLock{f: f, path: path}, nil, stale, nil
}

// writeHolder replaces the lock file's content with data.
func writeHolder(f *os.File, data []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt(append(data, '\n'), 0)
	return err
}

// release removes the lock file, then unlocks it (a waiter that locks
// the removed file sees it is gone and tries again).
func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	os.Remove(l.path)
	l.f.Close()
	l.f = nil
}
