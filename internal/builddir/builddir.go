// Package builddir gives tests that build a binary with `go build -o` a
// folder that outlives the test run, so that a second run finds the
// binary there up to date and the go command does not link it again (a
// link of kubectl-audit takes seconds; a check that it is up to date, a
// fraction of one). What is built is the same either way: the go command
// relinks whenever a source, flag, tag or the VCS stamp (a new commit)
// changed. The folders are under the user's cache folder, in
// auditlens-tests: removing it costs one link each on the next run.
package builddir

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// For returns a folder for the binaries of the test's purpose (such as
// "harness-cli"), kept between runs under the user's cache folder, one for
// each package folder, so that worktrees and packages do not share one.
// When there is no user cache folder, it returns a fresh temporary folder
// of the test: the binary is then linked on every run, as it would be
// without this package.
func For(t testing.TB, purpose string) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Logf("no user cache folder (%v): building into a temporary folder", err)
		return t.TempDir()
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	key := sha256.Sum256([]byte(wd))
	dir := filepath.Join(cache, "auditlens-tests", hex.EncodeToString(key[:8]), purpose)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
