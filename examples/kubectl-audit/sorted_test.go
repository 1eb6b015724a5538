package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestListingIsSortedByTime checks that a listing comes out by
// requestReceivedTimestamp, as the reference prints it, although the
// sample's files interleave three masters.
func TestListingIsSortedByTime(t *testing.T) {
	r := runCmd(t, "-f", kubeAPIServer, "--verb=create,delete,patch", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var prev time.Time
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev struct {
			Received time.Time `json:"requestReceivedTimestamp"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Received.Before(prev) {
			t.Fatalf("event %d at %v comes after one at %v", n+1, ev.Received, prev)
		}
		prev = ev.Received
		n++
	}
	if n < 1000 {
		t.Fatalf("only %d events listed", n)
	}
}
