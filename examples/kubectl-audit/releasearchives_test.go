package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/auditlens/auditlens/internal/builddir"
	"github.com/auditlens/auditlens/internal/longtest"
)

// allPlatforms are the platforms of a release, as release.sh builds them
// by default and the krew manifest lists them (TestKrewManifestPlatforms).
var allPlatforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

// krewManifest is what TestReleaseArchives reads of the krew manifest.
type krewManifest struct {
	Metadata struct{ Name string }
	Spec     struct {
		Version   string
		Platforms []struct {
			Selector struct {
				MatchLabels struct{ OS, Arch string } `yaml:"matchLabels"`
			}
			URI, Sha256, Bin string
		}
	}
}

// TestReleaseArchives runs a release as scripts/release.sh makes one, with
// its archives, and checks that they agree: each platform's archive holds
// the binary for that platform (its ELF, Mach-O or PE header says so;
// static on linux) and LICENSE, nothing else; SHA256SUMS lists every
// archive with its checksum; the krew manifest has the version, each
// archive's URL and checksum, the binary's name, and no placeholder left.
// The README's test command releases linux/amd64 alone (the platforms not
// built are "not-built" in the manifest); the long run (AUDITLENS_LONG=1,
// a step of .ci/run) releases all six, minutes on a busy machine with a
// cold build cache. The release is written to a folder kept between runs
// (internal/builddir), emptied of the last run's archives, sums and
// manifest first: the go command finds the binaries there up to date
// rather than linking them again.
func TestReleaseArchives(t *testing.T) {
	// A folder for each form, so that a short and a long run at once do
	// not write into one.
	out := builddir.For(t, longtest.Pick("release", "release-all"))
	clearArchives(t, out)
	const stamp, url = "v9.8.7-test", "https://example.invalid/releases/v9.8.7-test"
	platforms := longtest.Pick([]string{"linux/amd64"}, allPlatforms)
	cmd := exec.Command("bash", "../../scripts/release.sh", stamp)
	path := filepath.Join(runtime.GOROOT(), "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	if !longtest.Enabled() {
		path = fastGzipFirst(t) + string(os.PathListSeparator) + path
	}
	cmd.Env = append(os.Environ(), "OUT="+out, "PLATFORMS="+strings.Join(platforms, " "), "RELEASE_URL="+url, "BINARIES_ONLY=",
		"PATH="+path)
	if b, err := combinedOutput(t, cmd); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, b)
	}
	license, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}

	// The archives: one per platform built, each checked, with its sum.
	sums := map[string]string{}
	for _, p := range platforms {
		goos, arch, _ := strings.Cut(p, "/")
		name := archiveName(stamp, goos, arch)
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Errorf("no archive for %s: %v", p, err)
			continue
		}
		sum := sha256.Sum256(b)
		sums[name] = hex.EncodeToString(sum[:])
		files := unpack(t, name, b)
		exe := binName(goos)
		if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, []string{"LICENSE", exe}) {
			t.Errorf("%s holds %q, want LICENSE and %s", name, got, exe)
		}
		if !bytes.Equal(files["LICENSE"], license) {
			t.Errorf("%s: its LICENSE is not the repository's", name)
		}
		if bin := files[exe]; bin != nil {
			checkPlatform(t, name, bin, goos, arch)
			if p == runtime.GOOS+"/"+runtime.GOARCH {
				checkVersion(t, bin, stamp)
			}
		}
	}

	// SHA256SUMS: the archives built, no other, each with its sum.
	listed := map[string]string{}
	f, err := os.Open(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Errorf("SHA256SUMS line %q is not 'SUM  NAME'", sc.Text())
			continue
		}
		listed[name] = sum
	}
	if !maps.Equal(listed, sums) {
		t.Errorf("SHA256SUMS lists %v, the archives' sums are %v", listed, sums)
	}

	// The krew manifest: every platform of a release, with the archive's
	// URL and sum ("not-built" for a platform not built).
	b, err := os.ReadFile(filepath.Join(out, "audit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("@")) {
		t.Errorf("the manifest keeps a placeholder:\n%s", b)
	}
	var m krewManifest
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("the manifest: %v\n%s", err, b)
	}
	if m.Metadata.Name != "audit" || m.Spec.Version != stamp {
		t.Errorf("the manifest is of plugin %q version %q, want audit %s", m.Metadata.Name, m.Spec.Version, stamp)
	}
	var seen []string
	for _, pl := range m.Spec.Platforms {
		goos, arch := pl.Selector.MatchLabels.OS, pl.Selector.MatchLabels.Arch
		seen = append(seen, goos+"/"+arch)
		name := archiveName(stamp, goos, arch)
		want, built := sums[name]
		if !built {
			want = "not-built"
		}
		if pl.URI != url+"/"+name || pl.Sha256 != want || pl.Bin != binName(goos) {
			t.Errorf("the manifest's %s/%s: uri %s, sha256 %s, bin %s; want %s, %s, %s", goos, arch, pl.URI, pl.Sha256, pl.Bin,
				url+"/"+name, want, binName(goos))
		}
	}
	if slices.Sort(seen); !slices.Equal(seen, slices.Sorted(slices.Values(allPlatforms))) {
		t.Errorf("the manifest lists %v, want %v", seen, allPlatforms)
	}
}

// fastGzipFirst returns a folder to put first on the PATH of release.sh,
// with a gzip that is the system's at its fastest level (-1): tar -z runs
// it to compress each archive. The README's test command checks what the
// archive holds, not how small it is, and its default level takes a second
// of the run on the 31 MB binary; the long run (AUDITLENS_LONG=1) releases
// with the system's gzip as it is.
func fastGzipFirst(t *testing.T) string {
	t.Helper()
	gz, err := exec.LookPath("gzip")
	if err != nil {
		t.Fatalf("release.sh's tar -z needs gzip: %v", err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nexec '" + gz + "' -1 \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "gzip"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// clearArchives removes the files at the top of the release folder out
// (archives, SHA256SUMS, the manifest), so that the run checks only what
// it writes; the binaries' folders stay.
func clearArchives(t *testing.T, out string) {
	t.Helper()
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			if err := os.Remove(filepath.Join(out, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func archiveName(version, goos, arch string) string {
	ext := ".tar.gz"
	if goos == "windows" {
		ext = ".zip"
	}
	return "kubectl-audit_" + version + "_" + goos + "_" + arch + ext
}

func binName(goos string) string {
	if goos == "windows" {
		return "kubectl-audit.exe"
	}
	return "kubectl-audit"
}

// unpack returns the regular files of a .tar.gz or .zip archive by name;
// it fails the test on anything else in it.
func unpack(t *testing.T, name string, b []byte) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	if strings.HasSuffix(name, ".zip") {
		z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range z.File {
			r, err := f.Open()
			if err != nil {
				t.Fatalf("%s: %s: %v", name, f.Name, err)
			}
			files[f.Name], err = io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, f.Name, err)
			}
		}
		return files
	}
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h.Typeflag != tar.TypeReg || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: %s is of type %c, owner %d:%d; want a regular file of 0:0", name, h.Name, h.Typeflag, h.Uid, h.Gid)
		}
		if h.Name == "kubectl-audit" && h.Mode&0o111 == 0 {
			t.Errorf("%s: %s is not executable (mode %o)", name, h.Name, h.Mode)
		}
		if files[h.Name], err = io.ReadAll(tr); err != nil {
			t.Fatalf("%s: %s: %v", name, h.Name, err)
		}
	}
}

// checkPlatform checks that bin is an executable of goos/arch by its
// header: ELF (static) for linux, Mach-O for darwin, PE for windows.
func checkPlatform(t *testing.T, name string, bin []byte, goos, arch string) {
	t.Helper()
	r := bytes.NewReader(bin)
	switch goos {
	case "linux":
		tmp := filepath.Join(t.TempDir(), "kubectl-audit")
		if err := os.WriteFile(tmp, bin, 0o755); err != nil {
			t.Fatal(err)
		}
		checkStatic(t, tmp, map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch])
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[arch]; f.Cpu != want || f.Type != macho.TypeExec {
			t.Errorf("%s: Mach-O %v %v, want an executable for %v", name, f.Type, f.Cpu, want)
		}
	case "windows":
		f, err := pe.NewFile(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[arch]
		if f.Machine != want || f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
			t.Errorf("%s: PE machine %#x characteristics %#x, want an executable for %#x", name, f.Machine, f.Characteristics, want)
		}
	default:
		t.Errorf("%s: no check for %s", name, goos)
	}
}

// checkVersion runs the release binary bin, built for this machine, and
// checks that --version prints the stamped version.
func checkVersion(t *testing.T, bin []byte, stamp string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubectl-audit")
	if err := os.WriteFile(path, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(path, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", path, err)
	}
	// A build with VCS stamping (not -buildvcs=false) adds " rev ..."
	// before the Go version.
	if got := string(b); !strings.HasPrefix(got, "kubectl-audit "+stamp+" ") || !strings.Contains(got, " go1.") {
		t.Errorf("--version of the release binary printed %q, want the stamped %s", got, stamp)
	}
}
