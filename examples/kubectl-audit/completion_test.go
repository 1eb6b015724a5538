package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/query"
)

// TestCompletionScripts: `completion SHELL` prints the shell's completion
// script (it was read as a file name).
func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "complete -o default -F __start_kubectl-audit kubectl-audit",
		"zsh":        "#compdef kubectl-audit",
		"fish":       "complete -c kubectl-audit",
		"powershell": "Register-ArgumentCompleter",
	} {
		r := runCmd(t, "completion", shell)
		if r.code != 0 || !strings.Contains(string(r.stdout), want) {
			t.Errorf("completion %s: exit %d, stderr %q, want a script with %q", shell, r.code, r.stderr, want)
		}
	}
}

// completions runs the command's completion of args and returns the
// values it offers, and its directive line.
func completions(t *testing.T, args ...string) (values []string, directive string) {
	t.Helper()
	r := runCmd(t, append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %q: exit %d, %s", args, r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(string(r.stdout), "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

// TestCompletionValues: -o completes with the registered views, --by with
// the keys (after a comma too), --format and --server with their words,
// -f and the arguments with file names (cobra's directive 0, the shell's
// default).
func TestCompletionValues(t *testing.T) {
	views, _ := completions(t, "-o", "")
	want := slices.DeleteFunc(query.Outputs(), func(s string) bool { return s == "" })
	if !slices.Equal(views, want) || !slices.Contains(views, "findings") {
		t.Errorf("-o completes with %q, want %q", views, want)
	}
	keys, _ := completions(t, "--by", "user,")
	if !slices.Contains(keys, "user,verb") || len(keys) != len(aggregate.KeyNames())+1 {
		t.Errorf("--by user, completes with %q", keys)
	}
	formats, _ := completions(t, "--format", "")
	if !slices.Equal(formats, []string{"text", "json", "csv"}) {
		t.Errorf("--format completes with %q", formats)
	}
	servers, _ := completions(t, "export", "--server", "")
	if !slices.Contains(servers, "openshift-apiserver") {
		t.Errorf("export --server completes with %q", servers)
	}
	for _, args := range [][]string{{"-f", ""}, {"-f", "x", ""}} {
		if values, directive := completions(t, args...); len(values) != 0 || directive != ":0" {
			t.Errorf("%q completes with %q, %s; want file names (:0)", args, values, directive)
		}
	}
}

// TestKubectlCompleteScript: the kubectl plugin completion script the
// README documents asks the command itself.
func TestKubectlCompleteScript(t *testing.T) {
	b, err := os.ReadFile("../../deploy/kubectl_complete-audit")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "exec kubectl-audit __complete \"$@\"") {
		t.Errorf("deploy/kubectl_complete-audit does not run kubectl-audit __complete:\n%s", b)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "kubectl_complete-audit") {
		t.Error("README.md does not document kubectl_complete-audit")
	}
}
