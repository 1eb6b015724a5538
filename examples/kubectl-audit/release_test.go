package main

import (
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// TestKrewManifestPlatforms: the krew manifest has one entry, with its
// checksum placeholder, for each platform release.sh builds by default.
func TestKrewManifestPlatforms(t *testing.T) {
	script, err := os.ReadFile("../../scripts/release.sh")
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile("../../deploy/krew/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`platforms=\$\{PLATFORMS:-"([^"]+)"\}`).FindSubmatch(script)
	if m == nil {
		t.Fatal("release.sh has no default PLATFORMS")
	}
	var built []string
	for _, p := range strings.Fields(string(m[1])) {
		built = append(built, strings.ReplaceAll(p, "/", "_"))
	}
	var listed []string
	for _, m := range regexp.MustCompile(`@SHA256_([a-z0-9]+_[a-z0-9]+)@`).FindAllSubmatch(manifest, -1) {
		listed = append(listed, string(m[1]))
	}
	slices.Sort(built)
	slices.Sort(listed)
	if !slices.Equal(built, listed) || len(built) != 6 {
		t.Errorf("release.sh builds %v, the krew manifest lists %v", built, listed)
	}
}

// TestDescribeVersion: what --version says of a release, a module
// version, a checkout, and a build that recorded nothing.
func TestDescribeVersion(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "5ff4a7a1"}, {Key: "vcs.time", Value: "2026-11-29T13:45:10Z"}, {Key: "vcs.modified", Value: "true"}}
	devel := debug.Module{Version: "(devel)"}
	for _, tc := range []struct {
		stamped string
		info    debug.BuildInfo
		want    string
	}{
		{"v1.2.3", debug.BuildInfo{GoVersion: "go1.26.0", Main: devel}, "kubectl-audit v1.2.3 go1.26.0"},
		{"", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.4.0"}}, "kubectl-audit v0.4.0 go1.26.0"},
		{"", debug.BuildInfo{GoVersion: "go1.26.0", Main: devel, Settings: rev}, "kubectl-audit (devel) rev 5ff4a7a1 2026-11-29T13:45:10Z, modified go1.26.0"},
		{"", debug.BuildInfo{GoVersion: "go1.26.0", Main: devel}, "kubectl-audit " + unstampedVersion + " go1.26.0"},
	} {
		if got := describeVersion(tc.stamped, &tc.info); got != tc.want {
			t.Errorf("describeVersion(%q, %v) = %q, want %q", tc.stamped, tc.info.Main.Version, got, tc.want)
		}
	}
}
