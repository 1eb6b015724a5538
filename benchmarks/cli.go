package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// cliPackage is the command whose code path the library cases measure.
const cliPackage = "./examples/kubectl-audit"

// moduleRoot returns the folder of the main module (go list -m).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go list -m: not in a module")
	}
	return dir, nil
}

// buildCLI builds examples/kubectl-audit into dir and returns the binary's
// path.
func buildCLI(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "kubectl-audit")
	args := []string{"build", "-o", bin}
	if auditlog.Inflater() == auditlog.InflaterISAL {
		// The CLI inflates as the floor does.
		args = append(args, "-tags", "isal")
	}
	cmd := exec.Command("go", append(args, cliPackage)...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", cliPackage, err, tail(out.String(), 2000))
	}
	if err := evictPageCache(bin); err != nil {
		return "", err
	}
	return bin, nil
}

// cliHasFlag reports whether the CLI binary's --help lists flag (such as
// --where), for cases that need a flag the CLI may not have yet.
func cliHasFlag(bin, flag string) bool {
	out, _ := exec.Command(bin, "--help").CombinedOutput()
	return bytes.Contains(out, []byte(flag))
}
