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

// TestStdinNoMatchHint: standard input, read once, gets no second pass to
// explain an empty answer, unless it was copied to be read twice (a time
// offset such as --since=+0s copies it): then the filter is named.
func TestStdinNoMatchHint(t *testing.T) {
	for _, tc := range []struct {
		extra []string
		hint  bool
	}{{nil, false}, {[]string{"--since=+0s"}, true}} {
		in, err := os.Open("../../auditlog/testdata/shapes/events-jq.json")
		if err != nil {
			t.Fatal(err)
		}
		old := os.Stdin
		os.Stdin = in
		r := runCmd(t, append([]string{"-f", "-", "--user=nobody", "-o", "stats"}, tc.extra...)...)
		os.Stdin = old
		in.Close()
		if r.code != 0 || !strings.Contains(string(r.stderr), "No events matched the filters (4 events read).") {
			t.Fatalf("%q: exit %d, stderr:\n%s", tc.extra, r.code, r.stderr)
		}
		if got := strings.Contains(string(r.stderr), "--user=nobody alone matches no event"); got != tc.hint {
			t.Errorf("%q: hint %v, want %v; stderr:\n%s", tc.extra, got, tc.hint, r.stderr)
		}
	}
}
