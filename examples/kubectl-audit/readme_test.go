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
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
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
