package auditlog

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// deps lists the packages pkg links, as go list -deps says.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestLinksNoParquet checks that importing auditlog alone links no Parquet
// library: Parquet is read by package parquetsource, which registers with
// auditlog, and which does link it (the check can tell).
func TestLinksNoParquet(t *testing.T) {
	const mod = "github.com/auditlens/auditlens/"
	hasParquet := func(pkgs []string) []string {
		var found []string
		for _, p := range pkgs {
			if strings.Contains(strings.ToLower(p), "parquet") && p != mod+"auditlog/parquetsource" {
				found = append(found, p)
			}
		}
		return found
	}
	own := deps(t, mod+"auditlog")
	if !slices.Contains(own, mod+"auditlog") {
		t.Fatalf("go list -deps auditlog does not list auditlog: %q", own)
	}
	if found := hasParquet(own); len(found) > 0 {
		t.Errorf("auditlog links %q", found)
	}
	reader := deps(t, mod+"auditlog/parquetsource")
	for _, want := range []string{mod + "internal/auditparquet", "github.com/parquet-go/parquet-go"} {
		if !slices.Contains(reader, want) {
			t.Errorf("parquetsource does not link %s", want)
		}
	}
}
