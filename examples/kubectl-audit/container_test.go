package main

import (
	"debug/elf"
	"github.com/auditlens/auditlens/internal/longtest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// containerfile is the Containerfile as instructions, its continuation
// lines joined, comments and blank lines left out.
type containerfile []instruction

type instruction struct {
	Op, Args string // FROM docker.io/library/golang:1.26 AS build
}

func readContainerfile(t *testing.T) containerfile {
	t.Helper()
	b, err := os.ReadFile("../../Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out containerfile
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, args, _ := strings.Cut(line, " ")
		out = append(out, instruction{strings.ToUpper(op), strings.TrimSpace(args)})
	}
	return out
}

// stages splits the instructions at each FROM.
func (c containerfile) stages() [][]instruction {
	var out [][]instruction
	for _, in := range c {
		if in.Op == "FROM" {
			out = append(out, nil)
		}
		if len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], in)
		}
	}
	return out
}

// TestContainerfile checks the Containerfile as far as this machine can:
// no container engine runs on it (nor on CI's), and the build stage's base
// image cannot be pulled. So it checks the stages' shape (a golang image
// of go.mod's Go release; FROM scratch with the binary, LICENSE, a numeric
// user, since scratch has no passwd, and the binary as the entrypoint),
// then runs the build stage's RUN as it is written, with the ARG defaults
// (VERSION given as --build-arg would give it) and its absolute paths moved
// under a temporary directory, in the module root as WORKDIR /src with
// COPY . . has it: the binary it copies out must be a static linux/amd64
// executable (no interpreter, no dynamic section) that runs in an empty
// image and prints the version. The README's test command checks the
// Containerfile's shape; the long run builds the stage.
func TestContainerfile(t *testing.T) {
	stages := readContainerfile(t).stages()
	if len(stages) != 2 {
		t.Fatalf("the Containerfile has %d stages, want the build stage and the image", len(stages))
	}
	build, image := stages[0], stages[1]

	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goRelease := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goRelease == nil {
		t.Fatal("go.mod has no go line")
	}
	if want := "docker.io/library/golang:" + string(goRelease[1]) + " AS build"; build[0].Args != want {
		t.Errorf("the build stage is FROM %s, want %s (go.mod's Go release)", build[0].Args, want)
	}

	// The image: scratch, the build stage's binary and LICENSE, a numeric
	// user, the binary as the entrypoint.
	var img []string
	for _, in := range image {
		img = append(img, in.Op+" "+in.Args)
	}
	wantImage := []string{
		"FROM scratch",
		"COPY --from=build /kubectl-audit /kubectl-audit",
		"COPY LICENSE /LICENSE",
		"USER 65532:65532",
		`ENTRYPOINT ["/kubectl-audit"]`,
	}
	if strings.Join(img, "\n") != strings.Join(wantImage, "\n") {
		t.Errorf("the image stage is\n%s\nwant\n%s", strings.Join(img, "\n"), strings.Join(wantImage, "\n"))
	}
	if _, err := os.Stat("../../LICENSE"); err != nil {
		t.Errorf("the image copies LICENSE: %v", err)
	}

	// The build stage's ARGs and its one RUN.
	tmp := t.TempDir()
	env := map[string]string{}
	var run string
	for _, in := range build[1:] {
		switch in.Op {
		case "ARG":
			name, def, _ := strings.Cut(in.Args, "=")
			env[name] = def
		case "WORKDIR":
			if in.Args != "/src" {
				t.Errorf("WORKDIR %s, want /src", in.Args)
			}
		case "COPY":
			if in.Args != ". ." {
				t.Errorf("the build stage copies %s, want the module (. .)", in.Args)
			}
		case "RUN":
			if run != "" {
				t.Fatal("the build stage has more than one RUN: this test runs one")
			}
			run = in.Args
		default:
			t.Errorf("the build stage has %s, which this test does not run", in.Op)
		}
	}
	if env["TARGETOS"] != "linux" || env["TARGETARCH"] != "amd64" {
		t.Errorf("the ARG defaults are %s/%s, want linux/amd64", env["TARGETOS"], env["TARGETARCH"])
	}
	if !longtest.Enabled() {
		// Building the stage is a release build: the long run
		// (AUDITLENS_LONG=1, a step of .ci/run) does it; TestReleaseArchives
		// builds with the same script every time.
		return
	}
	const version = "v0.0.1-container"
	env["VERSION"] = version // --build-arg VERSION=...
	// The stage's absolute paths, under tmp: /out and /kubectl-audit, where
	// they start a word, an assignment's value or a quoted string.
	run = regexp.MustCompile(`(^|[\s="])/(out|kubectl-audit)\b`).ReplaceAllString(run, "${1}"+tmp+"/$2")
	cmd := exec.Command("sh", "-c", run)
	cmd.Dir = "../.."
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	if b, err := combinedOutput(t, cmd); err != nil {
		t.Fatalf("the build stage's RUN %s: %v\n%s", run, err, b)
	}
	bin := filepath.Join(tmp, "kubectl-audit")
	checkStatic(t, bin, elf.EM_X86_64)

	// The image runs the binary alone: no file of the build machine, no
	// environment, another user's id.
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		v := exec.Command(bin, "--version")
		v.Env = []string{}
		v.Dir = "/"
		b, err := v.Output()
		if err != nil {
			t.Fatalf("%s --version: %v", bin, err)
		}
		if got := string(b); !strings.HasPrefix(got, "kubectl-audit "+version+" ") {
			t.Errorf("--version of the image's binary printed %q, want %s", got, version)
		}
	}
}

// checkStatic checks that the file at path is a statically linked
// executable for machine: no program interpreter (dynamic loader), no
// dynamic section, no shared library needed.
func checkStatic(t *testing.T, path string, machine elf.Machine) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	if f.Machine != machine || f.Type != elf.ET_EXEC {
		t.Errorf("%s is %v %v, want an executable for %v", path, f.Type, f.Machine, machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a %v program header: it is dynamically linked", path, p.Type)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v (%v)", path, libs, err)
	}
}
