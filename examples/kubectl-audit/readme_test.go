package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestReadmeFlags: the flag table of README.md has a row for every flag
// of the command, whose last cell is the flag's help text.
func TestReadmeFlags(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `--([a-z-]+)`[^|]*\\|.*\\| ([^|]*) \\|$")
	rows := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		rows[m[1]] = m[2]
	}
	cmd := newCommand(&options{}, nil, nil)
	flags := cmd.Flags()
	for _, sub := range cmd.Commands() {
		flags.AddFlagSet(sub.Flags()) // the export's own flags
	}
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		got, ok := rows[f.Name]
		if !ok {
			t.Errorf("README.md has no row for --%s", f.Name)
			return
		}
		if want := strings.ReplaceAll(f.Usage, "|", `\|`); got != want {
			t.Errorf("README.md says of --%s:\n%s\nthe command says:\n%s", f.Name, got, want)
		}
		delete(rows, f.Name)
	})
	for name := range rows {
		t.Errorf("README.md has a row for --%s, which the command does not have", name)
	}
}

// TestReadmeFirstCommand: the first command of the repository's README
// prints what the README shows under it (stdout, then stderr).
func TestReadmeFirstCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "```console\n$ go run ./examples/kubectl-audit "
	_, block, ok := strings.Cut(string(readme), prompt)
	if !ok {
		t.Fatal("README.md shows no output of go run ./examples/kubectl-audit")
	}
	block, _, _ = strings.Cut(block, "```")
	cmdline, want, _ := strings.Cut(block, "\n")
	args := strings.Fields(strings.ReplaceAll(cmdline, "testdata/", "../../testdata/"))
	r := runCmd(t, args...)
	if got := string(r.stdout) + string(r.stderr); r.code != 0 || got != want {
		t.Errorf("README.md's first command %q prints (exit %d):\n%s\nthe README shows:\n%s", cmdline, r.code, got, want)
	}
}
