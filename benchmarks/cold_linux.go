package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// coldEnv names, in the harness's environment, the folder of the copy of
// its executable it runs from (runFromColdCopy).
const coldEnv = "AUDITLENS_HARNESS_COPY"

// runFromColdCopy makes the harness run from a copy of its executable
// whose cached pages are dropped (evictPageCache), and returns the copy's
// folder, to remove at the end. A child the harness starts shares the
// harness's memory until it runs its command (vfork), and Linux counts
// the harness's peak resident set in the child's; a binary just built
// (go run) is cached in large folios, which count whole in the resident
// set of whoever maps it: about 10 MB more for the harness, and so for
// every case's peak RSS, than once its pages are read back. It returns
// only in the copy, or when the copy cannot be made.
func runFromColdCopy() (string, error) {
	if dir := os.Getenv(coldEnv); dir != "" {
		return dir, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "auditlens-harness-exe-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filepath.Base(exe))
	if err := copyExecutable(exe, path); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if err := evictPageCache(path); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	err = syscall.Exec(path, append([]string{path}, os.Args[1:]...), append(os.Environ(), coldEnv+"="+dir))
	os.RemoveAll(dir)
	return "", err
}

// copyExecutable copies the file src to the new file dst, executable.
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
