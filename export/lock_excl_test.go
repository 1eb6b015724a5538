package export

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestExclLock: the lock file of the systems without flock: taken by one
// holder at a time, refused to another of the same host while the first
// runs or to one of another host whatever, taken over (and said) when its
// holder of this host has ended, removed on release.
func TestExclLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), LockName)
	alive := true
	isAlive := func(int) bool { return alive }
	first := lockHolder{PID: 100, Host: "h1", Since: time.Unix(1, 0).UTC()}
	second := lockHolder{PID: 200, Host: "h1", Since: time.Unix(2, 0).UTC()}
	l, held, stale, err := tryExclLock(path, first, isAlive)
	if err != nil || l == nil || held != nil || stale != nil {
		t.Fatalf("a free lock: %v, %v, %v, %v", l, held, stale, err)
	}
	if l2, held, _, err := tryExclLock(path, second, isAlive); err != nil || l2 != nil || held == nil || *held != first {
		t.Fatalf("a held lock: %v, %v, %v", l2, held, err)
	}
	alive = false
	other := lockHolder{PID: 300, Host: "h2"}
	if l2, held, _, err := tryExclLock(path, other, isAlive); err != nil || l2 != nil || held == nil || *held != first {
		t.Errorf("a lock of another host's ended process: %v, %v, %v; want it waited for", l2, held, err)
	}
	l2, held, stale, err := tryExclLock(path, second, isAlive)
	if err != nil || l2 == nil || held != nil || stale == nil || *stale != first {
		t.Fatalf("a stale lock: %v, %v, %v, %v; want it taken over from %v", l2, held, stale, err, first)
	}
	if data, err := os.ReadFile(path); err != nil || readHolder(data) != second {
		t.Errorf("the lock file after the take-over: %q, %v", data, err)
	}
	l2.release()
	l2.release()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("after release: %v", err)
	}
	// A file that names no holder (being written) is waited for.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if l3, held, _, err := tryExclLock(path, second, isAlive); err != nil || l3 != nil || held == nil {
		t.Errorf("a lock file naming no one: %v, %v, %v", l3, held, err)
	}
}
