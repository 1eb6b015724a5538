//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package export

import "os"

// dirLock is a held lock of an export directory: its lock file (see
// exclLock).
type dirLock struct{ x *exclLock }

// tryLock tries once to take the lock at path for me (see tryExclLock).
func tryLock(path string, me lockHolder) (*dirLock, *lockHolder, *lockHolder, error) {
	x, held, stale, err := tryExclLock(path, me, running)
	if x == nil {
		return nil, held, stale, err
	}
	return &dirLock{x: x}, nil, stale, nil
}

// running reports whether a process pid runs on this host.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

// release removes the lock file.
func (l *dirLock) release() {
	if l != nil {
		l.x.release()
	}
}
