package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// Library implementations: how a library case runs.
const (
	libCLI    = "cli"    // the examples/kubectl-audit binary
	libInproc = "inproc" // the harness's own wiring of the library (runInproc)
)

// options are the harness's flags.
type options struct {
	sizes   []int
	keep    string
	json    string
	workers int
	// cases are the case names to run; nil runs them all.
	cases []string
	// library is auto, cli, inproc or both.
	library      string
	count        int
	checkTargets bool
	// profiles, when set, is a folder for CPU profiles of the harness's
	// own children (floor, naive, inproc): CASE-IMPL-EVENTS.pprof.
	profiles string
	// exe is the harness binary, re-run in child modes.
	exe string
	// cliDir, when set, is the folder the CLI is built into, kept between
	// runs (the tests' own, where go build finds it up to date); by default
	// the run's temporary folder.
	cliDir string
	// The stress cases' sets: rotatedFiles plainly named files; hugeLines
	// events of hugeBytes.
	rotatedFiles, hugeLines, hugeBytes int
	// shape is the traffic of the generated set: shapeLab or shapeCluster.
	shape string
}

// exportCase is the case that exports the set to Parquet with the
// library.
const exportCase = "export"

// parquetCase is the case that asks question q of the Parquet copy.
func parquetCase(q string) string { return "parquet-" + q }

// questionOf is the lab question a case asks: its own name, or that of a
// parquet- case.
func questionOf(c string) string { return strings.TrimPrefix(c, "parquet-") }

// caseNames are the cases, in the order they run.
func caseNames() []string {
	names := []string{"floor"}
	for _, q := range labQuestions("") {
		names = append(names, q.name)
	}
	names = append(names, exportCase)
	for _, q := range labQuestions("") {
		names = append(names, parquetCase(q.name))
	}
	for _, sc := range stressCases() {
		names = append(names, sc.name)
	}
	return append(names, "naive")
}

// parquetSelected reports whether a case needs the Parquet copy.
func (o *options) parquetSelected() bool {
	if o.selected(exportCase) {
		return true
	}
	for _, q := range labQuestions("") {
		if o.selected(parquetCase(q.name)) {
			return true
		}
	}
	return false
}

// selected reports whether the case named name is to run.
func (o *options) selected(name string) bool {
	return o.cases == nil || slices.Contains(o.cases, name)
}

// harness runs the cases for every size and reports.
type harness struct {
	opts     options
	out, log io.Writer
	tmp      string
	libs     []string // the library implementations to run
	cli      string   // the CLI binary, when built
	cliWhere bool     // whether the CLI has --where
}

// run runs the harness. It returns an error when a case fails or when the
// library's answers differ from the naive baseline's (or, with
// -check-targets, when a target is missed).
func run(o options, out, log io.Writer) error {
	for _, c := range o.cases {
		if !slices.Contains(caseNames(), c) {
			return fmt.Errorf("unknown case %q (cases: %s)", c, strings.Join(caseNames(), ","))
		}
	}
	tmp, err := os.MkdirTemp("", "auditlens-harness-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	h := &harness{opts: o, out: out, log: log, tmp: tmp}
	if err := h.chooseLibrary(); err != nil {
		return err
	}
	m := thisMachine()
	var runs []sizeRun
	var mismatch bool
	for _, n := range o.sizes {
		r, err := h.runSize(n)
		if err != nil {
			return err
		}
		writeTable(out, r, m)
		mismatch = mismatch || !r.answersEqual()
		runs = append(runs, r)
	}
	targets := checkTargets(runs)
	writeTargets(out, targets)
	if o.json != "" {
		if err := writeJSON(o.json, o, m, h.libs, runs, targets); err != nil {
			return err
		}
	}
	if mismatch {
		return fmt.Errorf("the library's answers differ from the naive baseline's")
	}
	if o.checkTargets {
		for _, t := range targets {
			if !t.Met {
				return fmt.Errorf("target missed: %s", t.Name)
			}
		}
	}
	return nil
}

// chooseLibrary decides how library cases run, building the CLI if needed.
func (h *harness) chooseLibrary() error {
	anyLibrary := false
	for _, name := range caseNames() {
		anyLibrary = anyLibrary || name != "floor" && name != "naive" && h.opts.selected(name)
	}
	if !anyLibrary {
		return nil
	}
	switch h.opts.library {
	case libInproc:
		h.libs = []string{libInproc}
		return nil
	case libCLI, "both", "auto":
	default:
		return fmt.Errorf("-library %q: want auto, cli, inproc or both", h.opts.library)
	}
	cliDir := h.tmp
	if h.opts.cliDir != "" {
		cliDir = h.opts.cliDir
	}
	bin, err := buildCLI(cliDir)
	switch {
	case err == nil:
		h.cli = bin
		h.cliWhere = cliHasFlag(bin, "--where")
		h.libs = []string{libCLI}
		if h.opts.library == "both" {
			h.libs = append(h.libs, libInproc)
		}
	case h.opts.library == "auto":
		fmt.Fprintf(h.log, "warning: the CLI does not build, measuring the library in-process instead: %v\n", err)
		h.libs = []string{libInproc}
	default:
		return err
	}
	return nil
}

// runSize generates (or reuses) a set of n requests and measures every
// selected case on it.
func (h *harness) runSize(n int) (sizeRun, error) {
	dir := filepath.Join(h.tmp, "must-gather-"+strconv.Itoa(n))
	if h.opts.keep != "" {
		dir = h.opts.keep
		if len(h.opts.sizes) > 1 {
			dir = filepath.Join(dir, "events-"+strconv.Itoa(n))
		}
	} else {
		defer os.RemoveAll(dir)
	}
	want, err := setConfig(h.opts.shape, n)
	if err != nil {
		return sizeRun{}, err
	}
	d, err := openDataset(dir, want, fmt.Sprintf("%d kube-apiserver requests, %s shape", n, h.opts.shape), h.opts.exe, h.log)
	if err != nil {
		return sizeRun{}, err
	}
	if err := d.warm(); err != nil {
		return sizeRun{}, err
	}
	out := filepath.Join(h.tmp, "out-"+strconv.Itoa(n))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return sizeRun{}, err
	}
	defer os.RemoveAll(out)
	r := sizeRun{Requests: n, Shape: h.opts.shape, Events: d.kubeEvents(), Generated: d.generated.Seconds(), Workers: h.opts.workers}
	culprit := d.culprit()
	qs := labQuestions(culprit)
	if culprit == "" {
		// A shape without the 403 storm has no user of the lab's
		// --user questions: they are not asked.
		qs = slices.DeleteFunc(qs, func(q question) bool {
			if len(q.users) > 0 && h.opts.cases != nil && (h.opts.selected(q.name) || h.opts.selected(parquetCase(q.name))) {
				fmt.Fprintf(h.log, "warning: skipping %s: the %s shape has no culprit to ask about\n", q.name, h.opts.shape)
			}
			return len(q.users) > 0
		})
	}

	// The floor, and the uncompressed size every rate is computed from,
	// and the library, one process per question: measured in rounds, each
	// case once a round (alternated), so that a machine that slows down
	// for a while slows every case alike.
	var jobs []job
	floorRes := filepath.Join(out, "floor.json")
	floor := child{path: h.opts.exe, harness: true, result: floorRes,
		args: h.profile([]string{"-child=" + modeFloor, "-dir", d.kubeDir, "-workers", strconv.Itoa(h.opts.workers), "-result", floorRes}, "floor", "floor", n)}
	if h.opts.selected("floor") {
		jobs = append(jobs, job{c: floor, row: func(m measurement) row {
			r.Bytes = m.Result.Bytes
			return newRow("floor", "floor", "", m)
		}})
		if auditlog.Inflater() != auditlog.InflaterKlauspost {
			// Issue 26's target is against klauspost's floor: measured
			// too, in the same run, and every ratio is taken over it.
			kres := filepath.Join(out, "floor-klauspost.json")
			k := child{path: h.opts.exe, harness: true, result: kres,
				args: h.profile([]string{"-child=" + modeKlauspostFloor, "-dir", d.kubeDir, "-workers", strconv.Itoa(h.opts.workers), "-result", kres}, klauspostFloorCase, "floor", n)}
			jobs = append(jobs, job{c: k, row: func(m measurement) row { return newRow(klauspostFloorCase, "floor", "", m) }})
		}
	} else {
		res, err := runFloor(d.kubeDir, h.opts.workers)
		if err != nil {
			return r, err
		}
		r.Bytes = res.Bytes
	}
	for _, q := range qs {
		if !h.opts.selected(q.name) {
			continue
		}
		for _, lib := range h.libs {
			if lib == libCLI && q.where != "" && !h.cliWhere {
				fmt.Fprintf(h.log, "warning: skipping %s (cli): the CLI has no --where\n", q.name)
				continue
			}
			c := h.libraryChild(lib, q, d.kubeDir, culprit, filepath.Join(out, lib+"-"+q.name+".txt"))
			if lib == libInproc {
				c.args = h.profile(c.args, q.name, lib, n)
			}
			jobs = append(jobs, job{c: c, row: func(m measurement) row { return newRow(q.name, lib, q.String(), m) }})
		}
	}
	if len(jobs) > 0 {
		fmt.Fprintf(h.log, "measuring %d cases, %d rounds...\n", len(jobs), max(h.opts.count, 1))
		ms, err := measureRounds(jobs, h.opts.count)
		if err != nil {
			return r, err
		}
		for i, j := range jobs {
			r.Rows = append(r.Rows, j.row(ms[i]))
		}
	}

	if h.opts.parquetSelected() {
		if err := h.runParquet(&r, n, d.kubeDir, qs, culprit, out); err != nil {
			return r, err
		}
	}

	if err := h.runStress(&r, n); err != nil {
		return r, err
	}

	// The naive baseline, one process answering every selected question.
	if h.opts.selected("naive") {
		var names []string
		for _, q := range qs {
			if h.opts.selected(q.name) || h.opts.selected(parquetCase(q.name)) {
				names = append(names, q.name)
			}
		}
		naiveRes := filepath.Join(out, "naive.json")
		c := child{path: h.opts.exe, harness: true, result: naiveRes,
			args: []string{"-child=" + modeNaive, "-dir", d.kubeDir, "-workers", strconv.Itoa(h.opts.workers),
				"-questions", strings.Join(names, ","), "-culprit", culprit, "-outdir", out, "-result", naiveRes}}
		c.args = h.profile(c.args, "naive", "naive", n)
		fmt.Fprintln(h.log, "measuring naive baseline...")
		m, err := measure(c)
		if err != nil {
			return r, err
		}
		r.Naive = &m.Result
		r.Rows = append(r.Rows, newRow("naive", "naive", "all questions", m))
		if err := r.compare(qs, h.libs, out); err != nil {
			return r, err
		}
	} else {
		fmt.Fprintln(h.log, "warning: no naive baseline: answers not checked")
	}
	r.finish()
	return r, nil
}

// runParquet exports the set to Parquet (the export case, measured when
// selected) and asks the selected questions of the copy.
func (h *harness) runParquet(r *sizeRun, n int, kubeDir string, qs []question, culprit, out string) error {
	pqDir := filepath.Join(out, "parquet")
	res := filepath.Join(out, "export.json")
	ex := child{path: h.opts.exe, harness: true, result: res,
		args: h.profile([]string{"-child=" + modeExport, "-dir", kubeDir, "-workers", strconv.Itoa(h.opts.workers),
			"-outdir", pqDir, "-result", res}, exportCase, libInproc, n),
		before: func() error { return clearExport(pqDir) }}
	if h.opts.selected(exportCase) {
		fmt.Fprintln(h.log, "measuring export...")
		m, err := measureBest(ex, h.opts.count)
		if err != nil {
			return err
		}
		r.Rows = append(r.Rows, newRow(exportCase, libInproc, "library export of DIR to Parquet", m))
	} else {
		if err := clearExport(pqDir); err != nil {
			return err
		}
		if _, err := runExport(kubeDir, pqDir, h.opts.workers); err != nil {
			return err
		}
	}
	for _, q := range qs {
		name := parquetCase(q.name)
		if !h.opts.selected(name) {
			continue
		}
		for _, lib := range h.libs {
			c := h.libraryChild(lib, q, pqDir, culprit, filepath.Join(out, lib+"-"+name+".txt"))
			if lib == libInproc {
				c.args = h.profile(c.args, name, lib, n)
			}
			fmt.Fprintf(h.log, "measuring %s (%s)...\n", name, lib)
			m, err := measureBest(c, h.opts.count)
			if err != nil {
				return err
			}
			r.Rows = append(r.Rows, newRow(name, lib, strings.Replace(q.String(), "-f DIR", "-f PARQUET", 1), m))
		}
	}
	return nil
}

// libraryChild is the process that answers q with the library
// implementation lib, its standard output going to stdout.
func (h *harness) libraryChild(lib string, q question, dir, culprit, stdout string) child {
	workers := strconv.Itoa(h.opts.workers)
	if lib == libCLI {
		return child{path: h.cli, args: append(q.cliArgs(dir), "--workers", workers), stdout: stdout, stderr: stdout + ".stderr"}
	}
	return child{path: h.opts.exe, harness: true, stdout: stdout, stderr: stdout + ".stderr",
		args: []string{"-child=" + modeInproc, "-dir", dir, "-workers", workers, "-questions", q.name, "-culprit", culprit}}
}

// profile adds a -cpuprofile flag to a harness child's arguments when
// profiles are asked for.
func (h *harness) profile(args []string, name, impl string, n int) []string {
	if h.opts.profiles == "" {
		return args
	}
	file := fmt.Sprintf("%s-%s-%d.pprof", name, impl, n)
	return append(args, "-cpuprofile", filepath.Join(h.opts.profiles, file))
}

// compare checks every library answer against the naive baseline's.
func (r *sizeRun) compare(qs []question, libs []string, out string) error {
	for _, q := range qs {
		want, err := readAnswer(filepath.Join(out, "naive-"+q.name+".txt"), q.kind)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		for _, lib := range libs {
			for _, name := range []string{q.name, parquetCase(q.name)} {
				got, err := readAnswer(filepath.Join(out, lib+"-"+name+".txt"), q.kind)
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					return err
				}
				if got.summary == "" {
					// The CLI writes a listing's summary line to stderr, after
					// the listing: only then is the count known.
					if got.summary, err = readSummary(filepath.Join(out, lib+"-"+name+".txt.stderr")); err != nil {
						return err
					}
				}
				c := comparison{Question: name, Library: lib, Diffs: diffAnswers(got, want)}
				c.Equal = len(c.Diffs) == 0
				c.Lines = int64(len(want.lines)) + want.count
				r.Answers = append(r.Answers, c)
			}
		}
	}
	return nil
}
