//go:build !linux

package main

// runFromColdCopy does nothing where a child's peak RSS is not known to
// count the harness's (see cold_linux.go).
func runFromColdCopy() (string, error) { return "", nil }
