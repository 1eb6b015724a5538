package builddir

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFor: the folder is the same for a purpose on every call, another for
// another purpose, and exists.
func TestFor(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a, b, other := For(t, "one"), For(t, "one"), For(t, "two")
	if a != b || a == other || filepath.Base(a) != "one" {
		t.Errorf("For gave %s, %s for one and %s for two", a, b, other)
	}
	if fi, err := os.Stat(a); err != nil || !fi.IsDir() {
		t.Errorf("%s: %v", a, err)
	}
}

// TestForWithoutCache: with no user cache folder, a temporary folder.
func TestForWithoutCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	dir := For(t, "one")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("%s: %v", dir, err)
	}
}
