package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
)

// childEnv is set in the environment of every child the harness starts, so
// that a test binary (whose flags the harness does not own) knows to run
// as a child too.
const childEnv = "AUDITLENS_HARNESS_CHILD"

// Child modes: what a child process measures.
const (
	modeFloor = "floor"
	// modeKlauspostFloor is the floor with klauspost's gzip inflater,
	// whatever this build's.
	modeKlauspostFloor = "floor-klauspost"
	modeNaive          = "naive"
	modeInproc         = "inproc"
	modeExport         = "export"
	// modeGenerate writes the must-gather of -config (JSON) into -dir.
	modeGenerate = "generate"
)

// childOptions are the flags of a child process.
type childOptions struct {
	mode      string
	dir       string // the kube-apiserver audit log folder
	workers   int
	questions []string // naive: every question; inproc: exactly one
	culprit   string
	outDir    string // naive writes naive-QUESTION.txt files here; export its Parquet
	result    string // JSON file the child writes its childResult to
	profile   string // file for a CPU profile of the child
	config    string // generate: the generator's configuration, JSON
}

// childResult is what a child reports to the harness beyond its wall time
// and peak memory, which the harness measures itself.
type childResult struct {
	// Bytes is the uncompressed bytes read (floor).
	Bytes int64 `json:"bytes,omitempty"`
	// Files is the number of files read.
	Files int `json:"files,omitempty"`
	// Events is the number of events decoded (naive).
	Events int64 `json:"events,omitempty"`
	// Failures is the number of lines that did not decode (naive).
	Failures int64 `json:"failures,omitempty"`
	// LoadSeconds and SortSeconds are the naive baseline's phases: reading
	// and decoding every event into a slice, and sorting it by time.
	LoadSeconds float64 `json:"loadSeconds,omitempty"`
	SortSeconds float64 `json:"sortSeconds,omitempty"`
	// QuestionSeconds is the time the naive baseline took for each
	// question once the events were loaded and sorted.
	QuestionSeconds map[string]float64 `json:"questionSeconds,omitempty"`
}

// isChild reports whether the process was started as a harness child.
func isChild(args []string) bool {
	if os.Getenv(childEnv) != "" {
		return true
	}
	return len(args) > 0 && (strings.HasPrefix(args[0], "-child=") || args[0] == "-child")
}

// childMain runs a child process and returns its exit code.
func childMain(args []string, stdout, stderr io.Writer) int {
	if err := runChild(args, stdout); err != nil {
		fmt.Fprintln(stderr, "harness child:", err)
		return 1
	}
	return 0
}

func runChild(args []string, stdout io.Writer) error {
	var o childOptions
	var questions string
	fs := flag.NewFlagSet("child", flag.ContinueOnError)
	fs.StringVar(&o.mode, "child", "", "mode: floor, naive, inproc, export, generate")
	fs.StringVar(&o.dir, "dir", "", "kube-apiserver audit log folder")
	fs.IntVar(&o.workers, "workers", 1, "workers")
	fs.StringVar(&questions, "questions", "", "comma-separated question names")
	fs.StringVar(&o.culprit, "culprit", "", "user of the metrics-403 storm")
	fs.StringVar(&o.outDir, "outdir", "", "naive: folder for answers; export: folder for the Parquet export")
	fs.StringVar(&o.result, "result", "", "file for the child's JSON result")
	fs.StringVar(&o.profile, "cpuprofile", "", "file for a CPU profile")
	fs.StringVar(&o.config, "config", "", "generate: the generator's configuration, JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.profile != "" {
		stop, err := startProfile(o.profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if o.dir == "" || o.workers < 1 {
		return fmt.Errorf("-dir and -workers >= 1 are required")
	}
	if questions != "" {
		o.questions = strings.Split(questions, ",")
	}
	var res childResult
	var err error
	switch o.mode {
	case modeFloor:
		res, err = runFloor(o.dir, o.workers)
	case modeKlauspostFloor:
		res, err = runKlauspostFloor(o.dir, o.workers)
	case modeNaive:
		res, err = runNaive(o)
	case modeInproc:
		err = runInproc(o, stdout)
	case modeExport:
		res, err = runExport(o.dir, o.outDir, o.workers)
	case modeGenerate:
		err = generateDataset(o.dir, o.config)
	default:
		return fmt.Errorf("unknown child mode %q", o.mode)
	}
	if err != nil {
		return err
	}
	if o.result == "" {
		return nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	return os.WriteFile(o.result, b, 0o644)
}

// startProfile starts a CPU profile into path and returns the function
// that stops it and closes the file.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
