//go:build !unix

package main

import (
	"os/exec"
	"testing"
)

// combinedOutput runs a build command; see the unix version.
func combinedOutput(t *testing.T, cmd *exec.Cmd) ([]byte, error) {
	t.Helper()
	return cmd.CombinedOutput()
}
