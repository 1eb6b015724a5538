package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestHelpFirstScreen: the first screen of --help is usage and examples:
// Usage: within the first lines, then a dozen examples that cover the
// lab, findings, --where and export.
func TestHelpFirstScreen(t *testing.T) {
	r := runCmd(t, "--help")
	lines := strings.Split(string(r.stdout), "\n")
	usage := -1
	for i, l := range lines {
		if l == "Usage:" {
			usage = i
			break
		}
	}
	if usage < 0 || usage > 6 {
		t.Errorf("Usage: is line %d of --help, want within the first 6", usage)
	}
	examples, _, _ := strings.Cut(string(r.stdout), "Available Commands:")
	n := strings.Count(examples, "\n  kubectl-audit ")
	if n < 10 || n > 15 {
		t.Errorf("--help shows %d example commands, want about a dozen", n)
	}
	for _, want := range []string{"--by=user -otop", "-o findings", "--where=", "kubectl-audit export -f", "-o html"} {
		if !strings.Contains(examples, want) {
			t.Errorf("the examples of --help have no %q", want)
		}
	}
}

// TestHelpTopics: help TOPIC prints the topic's text, help COMMAND the
// command's help, and an unknown topic is a usage error.
func TestHelpTopics(t *testing.T) {
	for topic, want := range map[string]string{
		"inputs":     "A must-gather root works",
		"filters":    "--where 'EXPR'",
		"views":      "html[=N]",
		"exit-codes": "Exit status, the same for every view and for export",
	} {
		r := runCmd(t, "help", topic)
		if r.code != 0 || !bytes.Contains(r.stdout, []byte(want)) {
			t.Errorf("help %s: exit %d, want text with %q:\n%s", topic, r.code, want, r.stdout)
		}
	}
	if r := runCmd(t, "help", "export"); r.code != 0 || !bytes.Contains(r.stdout, []byte("kubectl-audit export -f PATH --to DIR")) {
		t.Errorf("help export: exit %d:\n%s", r.code, r.stdout)
	}
	if r := runCmd(t, "help", "colours"); r.code != 2 || !bytes.Contains(r.stderr, []byte(`no help for "colours"`)) {
		t.Errorf("help colours: exit %d, stderr %s", r.code, r.stderr)
	}
}

// TestInvocationName: the name in help and messages is the one invoked:
// kubectl audit when kubectl runs the plugin, kubectl-audit from a shell.
func TestInvocationName(t *testing.T) {
	for _, tc := range []struct{ caller, argv0, want string }{
		{"", "kubectl-audit", "kubectl-audit"},
		{"", "./kubectl-audit", "kubectl-audit"},
		{"/usr/bin/kubectl", "/home/u/go/bin/kubectl-audit", "kubectl audit"},
		{"", "/home/u/go/bin/kubectl-audit", "kubectl audit"},
		{"kubectl", "kubectl-audit", "kubectl audit"},
	} {
		if got := invocationName(tc.caller, tc.argv0); got != tc.want {
			t.Errorf("invocationName(%q, %q) = %q, want %q", tc.caller, tc.argv0, got, tc.want)
		}
	}
	old := displayName
	displayName = "kubectl audit"
	defer func() { displayName = old }()
	r := runCmd(t, "--help")
	if !bytes.Contains(r.stdout, []byte("Usage:\n  kubectl audit -f PATH [flags]\n")) || bytes.Contains(r.stdout, []byte("kubectl-audit")) {
		t.Errorf("--help as kubectl audit:\n%s", head(r.stdout))
	}
	if r := runCmd(t, "--output=yaml"); !bytes.Contains(r.stderr, []byte("Run 'kubectl audit --help' for usage.")) {
		t.Errorf("a usage error as kubectl audit says:\n%s", r.stderr)
	}
}
