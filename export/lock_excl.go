//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package export

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
)

// dirLock is a held lock of an export directory: its lock file, created
// with O_EXCL, naming this process.
type dirLock struct {
	path string
	done bool
}

// tryLock tries once to take the lock at path for me. It returns the lock,
// or, when another export holds it, that holder. A lock file naming a
// process of this host that no longer runs is stale: it is removed and
// the lock taken, with stale saying whose it was.
func tryLock(path string, me lockHolder) (l *dirLock, held, stale *lockHolder, err error) {
	data, _ := json.Marshal(me)
	for range 3 {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, werr := f.Write(append(data, '\n'))
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				os.Remove(path)
				return nil, nil, nil, werr
			}
			return &dirLock{path: path}, nil, stale, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, nil, nil, err
		}
		content, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		h := readHolder(content)
		if err != nil || h.PID == 0 || h.Host != me.Host || running(h.PID) {
			// Being written (no holder yet), or held by a live process
			// or one of another host: wait.
			return nil, &h, nil, nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, err
		}
		stale = &h
	}
	return nil, &lockHolder{}, nil, nil
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
	if l == nil || l.done {
		return
	}
	os.Remove(l.path)
	l.done = true
}
