package main

import (
	"strings"
	"testing"
)

// TestServeRefusesInsecure checks that serve refuses to listen beyond
// loopback without TLS and client authentication: exit 2, saying what is
// missing, before it listens.
func TestServeRefusesInsecure(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--listen", "0.0.0.0:0"},
		{"serve", "--listen", ":0", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
		{"serve", "--listen", "10.1.2.3:0", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--ingest-token-file", "t"},
	} {
		r := runCmd(t, args...)
		if r.code != exitUsage || !strings.Contains(string(r.stderr), "refusing to listen beyond loopback") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and why", args, r.code, r.stderr)
		}
	}
	r := runCmd(t, "serve", "--listen", "0.0.0.0:0", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--ingest-token-file", "t")
	if !strings.Contains(string(r.stderr), "authentication of queries") || strings.Contains(string(r.stderr), "authentication of ingest") {
		t.Errorf("the error should name what is missing, and that alone: %q", r.stderr)
	}
}
