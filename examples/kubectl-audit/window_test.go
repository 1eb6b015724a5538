package main

import (
	"bytes"
	"testing"
)

// TestWindowRelativeMatchesAbsolute: offsets from the first event and RFC
// 3339 times that round up to the same buckets give the same answer.
func TestWindowRelativeMatchesAbsolute(t *testing.T) {
	args := []string{"-f", mustGather, "-o", "histogram=5", "--bucket=10m", "--by=user"}
	rel := runCmd(t, append(args, "--window=+60m,+100m")...)
	abs := runCmd(t, append(args, "--window=2022-02-07T23:15:00Z,2022-02-07T23:55:00Z")...)
	if rel.code != 0 || abs.code != 0 {
		t.Fatalf("exit %d and %d: %s %s", rel.code, abs.code, rel.stderr, abs.stderr)
	}
	if !bytes.Equal(rel.stdout, abs.stdout) {
		t.Errorf("--window=+60m,+100m and the same buckets in RFC 3339 differ:\n%s\n---\n%s", rel.stdout, abs.stdout)
	}
	if !bytes.Contains(rel.stdout, []byte("from 2022-02-07T23:20:00Z to 2022-02-08T00:00:00Z")) {
		t.Errorf("window not printed as its buckets:\n%s", rel.stdout)
	}
}
