package export

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
)

// exclLock is a lock of an export directory held as its lock file,
// created with O_EXCL and naming the holder: the lock of the systems
// without flock(2) (see lock_other.go), which a holder that ended without
// releasing it leaves behind.
type exclLock struct {
	path string
	done bool
}

// tryExclLock tries once to take the lock at path for me. It returns the
// lock, or, when another export holds it, that holder. A lock file naming
// a process of this host that alive says has ended is stale: it is
// removed and the lock taken, stale saying whose it was.
func tryExclLock(path string, me lockHolder, alive func(pid int) bool) (l *exclLock, held, stale *lockHolder, err error) {
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
			return &exclLock{path: path}, nil, stale, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, nil, nil, err
		}
		content, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		h := readHolder(content)
		if err != nil || h.PID == 0 || h.Host != me.Host || alive(h.PID) {
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

// release removes the lock file.
func (l *exclLock) release() {
	if l == nil || l.done {
		return
	}
	os.Remove(l.path)
	l.done = true
}
