package main

import (
	"os"
	"strings"
	"testing"
)

// TestStdinDevNull: -f - < /dev/null is empty input, not a terminal (both
// are character devices): the error says no audit event was read.
func TestStdinDevNull(t *testing.T) {
	in, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	r := runCmd(t, "-f", "-")
	os.Stdin = old
	if strings.Contains(string(r.stderr), "terminal") || r.code == 0 {
		t.Errorf("-f - < /dev/null: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	t.Logf("%s", r.stderr)
}
