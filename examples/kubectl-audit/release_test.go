package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// TestReleaseBinaries: scripts/release.sh builds static binaries, and the
// linux/amd64 one's --version prints the stamped version (run where it can
// run: on linux/amd64). It builds for linux/amd64 alone: the long run of
// TestReleaseArchives releases every platform.
func TestReleaseBinaries(t *testing.T) {
	out := t.TempDir()
	const stamp = "v9.8.7-test"
	platforms := []string{"linux/amd64"}
	cmd := exec.Command("bash", "../../scripts/release.sh", stamp)
	cmd.Env = append(os.Environ(), "OUT="+out, "PLATFORMS="+strings.Join(platforms, " "), "BINARIES_ONLY=1",
		"PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	if b, err := combinedOutput(t, cmd); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, b)
	}
	for _, p := range platforms {
		bin := filepath.Join(out, "kubectl-audit_"+stamp+"_"+strings.ReplaceAll(p, "/", "_"), "kubectl-audit")
		if fi, err := os.Stat(bin); err != nil || fi.Size() == 0 {
			t.Errorf("no binary for %s: %v", p, err)
		}
	}
	linux := filepath.Join(out, "kubectl-audit_"+stamp+"_linux_amd64", "kubectl-audit")
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		b, err := exec.Command(linux, "--version").Output()
		if err != nil {
			t.Fatalf("%s --version: %v", linux, err)
		}
		// A build with VCS stamping (not -buildvcs=false) adds " rev ..."
		// before the Go version.
		if got := string(b); !strings.HasPrefix(got, "kubectl-audit "+stamp+" ") || !strings.Contains(got, " go1.") {
			t.Errorf("--version of the release binary printed %q, want the stamped %s", got, stamp)
		}
	}
	checkStatic(t, linux, elf.EM_X86_64)
}

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
