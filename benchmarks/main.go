// Command benchmarks measures the whole pipeline on a generated
// must-gather the size of the support lab's, against the decompression
// floor and a naive baseline that works the way the reference tool does,
// and checks that the library's answers equal the baseline's (issue 6).
//
//	go run ./benchmarks                       # 1,150,000 requests, every case
//	go run ./benchmarks -events 100000        # a quick run
//	go run ./benchmarks -sizes 1150000,2300000 -json results.json
//	go run ./benchmarks -keep /tmp/mg -cases floor,by-user,naive
//
// Every measured case runs as a child process, so that its peak RSS is its
// own: the floor and the naive baseline as this binary in a hidden child
// mode, the library cases as the examples/kubectl-audit binary (built once
// per run), or in-process wiring of the library (-library inproc). It
// exits with status 1 when a case fails or an answer differs, and prints
// a table of wall time, MB/s, events/s, peak RSS and the ratios to the
// floor and to the naive baseline. See README.md.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// defaultEvents is the support lab's size: 1,149,712 kube-apiserver
// requests, rounded.
const defaultEvents = 1150000

func main() {
	args := os.Args[1:]
	if isChild(args) {
		os.Exit(childMain(args, os.Stdout, os.Stderr))
	}
	copyDir, err := runFromColdCopy()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchmarks: warning: peak RSS may count the harness's own:", err)
	}
	err = mainErr(args, os.Stdout, os.Stderr)
	if copyDir != "" {
		os.RemoveAll(copyDir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchmarks:", err)
		os.Exit(1)
	}
}

// mainErr parses the flags and runs the harness.
func mainErr(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.exe, err = os.Executable(); err != nil {
		return err
	}
	return run(o, stdout, stderr)
}

// parseFlags parses the harness's command line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchmarks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.Int("events", defaultEvents, "kube-apiserver requests to generate")
	sizes := fs.String("sizes", "", "comma-separated request counts to run one after the other (overrides -events), e.g. 1150000,2300000")
	cases := fs.String("cases", "", "comma-separated cases to run (default all): "+strings.Join(caseNames(), ","))
	fs.StringVar(&o.keep, "keep", "", "folder to keep the generated must-gather in, and to reuse it from (one events-N folder per size with -sizes)")
	fs.StringVar(&o.json, "json", "", "file to write the results to as JSON")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "workers of every case")
	fs.StringVar(&o.library, "library", "auto", "how library cases run: cli (examples/kubectl-audit), inproc, both, or auto (cli if it builds)")
	fs.IntVar(&o.count, "count", 1, "runs of each case but the naive baseline; the fastest is reported")
	fs.StringVar(&o.profiles, "cpuprofile", "", "folder to write CPU profiles of the floor, naive and inproc children to (CASE-IMPL-EVENTS.pprof)")
	fs.BoolVar(&o.checkTargets, "check-targets", false, "exit 1 when one of the issue's targets is missed")
	fs.IntVar(&o.rotatedFiles, "rotated-files", 100, "listing-rotated: plainly named rotated files of one master")
	fs.IntVar(&o.hugeLines, "huge-lines", 30, "listing-huge: events of -huge-bytes")
	fs.IntVar(&o.hugeBytes, "huge-bytes", 10<<20, "listing-huge: least length of a huge event")
	fs.StringVar(&o.shape, "shape", shapeLab, "traffic of the generated set: lab (the support lab's must-gather, every scenario) or cluster (a large cluster's short requests: many users and objects, no planted culprit)")
	err := fs.Parse(args)
	if err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.workers < 1 || o.count < 1 || o.rotatedFiles < 2 || o.hugeLines < 0 || o.hugeBytes < 0 {
		return o, fmt.Errorf("-workers and -count must be at least 1, -rotated-files 2, -huge-lines and -huge-bytes 0")
	}
	o.sizes = []int{*events}
	if *sizes != "" {
		o.sizes = nil
		for s := range strings.SplitSeq(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				return o, fmt.Errorf("-sizes: bad size %q", s)
			}
			o.sizes = append(o.sizes, n)
		}
	}
	if *events < 1 {
		return o, fmt.Errorf("-events must be at least 1")
	}
	if o.shape != shapeLab && o.shape != shapeCluster {
		return o, fmt.Errorf("-shape must be %s or %s", shapeLab, shapeCluster)
	}
	if o.profiles != "" {
		if err := os.MkdirAll(o.profiles, 0o755); err != nil {
			return o, err
		}
		if o.profiles, err = filepath.Abs(o.profiles); err != nil {
			return o, err
		}
	}
	if *cases != "" {
		o.cases = strings.Split(*cases, ",")
	}
	return o, nil
}
