package main

import (
	"bytes"
	"testing"
)

// TestHTMLFiltered checks that -o html reports the filtered events only and
// shows the filter.
func TestHTMLFiltered(t *testing.T) {
	r := runCmd(t, "-f", kubeAPIServer, "-o", "html", "--user=alice", "--verb=delete")
	if r.code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"<code>--stage=ResponseComplete --verb=delete --user=alice</code>",
		`<tr><th>count</th><td class="n">2</td></tr>`,
	} {
		if !bytes.Contains(r.stdout, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	if bytes.Contains(r.stdout, []byte("sysdig-agent")) {
		t.Error("page holds a user the filter drops")
	}
}
