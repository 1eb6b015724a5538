package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// mb is a megabyte: rates and memory are in decimal megabytes, as the
// issue's targets are.
const mb = 1e6

// row is one measured case.
type row struct {
	Case    string `json:"case"`
	Impl    string `json:"impl"`
	Command string `json:"command,omitempty"`
	// Set names the generated set a stress case read; "" for the lab set.
	Set string `json:"set,omitempty"`
	// WallSeconds is from start to exit, measured by the harness;
	// CPUSeconds the child's user plus system time.
	WallSeconds float64 `json:"wallSeconds"`
	CPUSeconds  float64 `json:"cpuSeconds"`
	// MBPerSecond is uncompressed JSON megabytes per second of wall time,
	// EventsPerSecond kube-apiserver events (every stage) likewise.
	MBPerSecond     float64 `json:"mbPerSecond"`
	EventsPerSecond float64 `json:"eventsPerSecond"`
	PeakRSSBytes    int64   `json:"peakRSSBytes"`
	// XFloor is the wall time over the floor's.
	XFloor float64 `json:"xFloor,omitempty"`
	// NaiveSeconds is what the naive baseline spent on this question:
	// loading and sorting every event, then answering; XFasterThanNaive
	// is NaiveSeconds over this case's wall time.
	NaiveSeconds     float64 `json:"naiveSeconds,omitempty"`
	XFasterThanNaive float64 `json:"xFasterThanNaive,omitempty"`
}

func newRow(name, impl, command string, m measurement) row {
	return row{Case: name, Impl: impl, Command: command, WallSeconds: m.Wall.Seconds(),
		CPUSeconds: m.CPU.Seconds(), PeakRSSBytes: m.PeakRSS}
}

// comparison is a library answer checked against the naive baseline's.
type comparison struct {
	Question string   `json:"question"`
	Library  string   `json:"library"`
	Equal    bool     `json:"equal"`
	Lines    int64    `json:"lines"`
	Diffs    []string `json:"diffs,omitempty"`
}

// sizeRun is every case measured on one generated set.
type sizeRun struct {
	// Requests is the generator's kube-apiserver request count (-events);
	// Events the kube-apiserver events of every stage; Bytes their
	// uncompressed size.
	Requests int `json:"requests"`
	// Shape is the traffic of the set: shapeLab or shapeCluster.
	Shape     string       `json:"shape"`
	Events    int64        `json:"events"`
	Bytes     int64        `json:"uncompressedBytes"`
	Generated float64      `json:"generateSeconds,omitempty"`
	Workers   int          `json:"workers"`
	Rows      []row        `json:"rows"`
	Naive     *childResult `json:"naive,omitempty"`
	Answers   []comparison `json:"answers,omitempty"`
	// Sets are the sizes of the sets stress cases read, by name.
	Sets map[string]setSize `json:"sets,omitempty"`
}

// setSize is what a stress case's set holds: kube-apiserver events and
// files, and their uncompressed bytes.
type setSize struct {
	Events int64 `json:"events"`
	Bytes  int64 `json:"uncompressedBytes"`
	Files  int   `json:"files"`
}

// finish computes the rates and ratios of every row.
func (r *sizeRun) finish() {
	floor := r.floorSeconds()
	for i := range r.Rows {
		x := &r.Rows[i]
		if x.WallSeconds <= 0 {
			continue
		}
		if x.Set != "" {
			set := r.Sets[x.Set]
			x.MBPerSecond = float64(set.Bytes) / mb / x.WallSeconds
			x.EventsPerSecond = float64(set.Events) / x.WallSeconds
			continue
		}
		x.MBPerSecond = float64(r.Bytes) / mb / x.WallSeconds
		x.EventsPerSecond = float64(r.Events) / x.WallSeconds
		if floor > 0 {
			x.XFloor = x.WallSeconds / floor
		}
		if r.Naive != nil && x.Impl != "naive" && x.Impl != "floor" {
			if q, ok := r.Naive.QuestionSeconds[questionOf(x.Case)]; ok {
				x.NaiveSeconds = r.Naive.LoadSeconds + r.Naive.SortSeconds + q
				x.XFasterThanNaive = x.NaiveSeconds / x.WallSeconds
			}
		}
	}
}

// floorSeconds is the wall time every ratio is taken over: klauspost's
// floor when it was measured beside another inflater's, else the floor's;
// 0 without a floor.
func (r *sizeRun) floorSeconds() float64 {
	if x := r.row(klauspostFloorCase, "floor"); x != nil {
		return x.WallSeconds
	}
	if x := r.row("floor", "floor"); x != nil {
		return x.WallSeconds
	}
	return 0
}

// row returns the row of the case and implementation, or nil.
func (r *sizeRun) row(name, impl string) *row {
	for i := range r.Rows {
		if r.Rows[i].Case == name && r.Rows[i].Impl == impl {
			return &r.Rows[i]
		}
	}
	return nil
}

// answersEqual reports whether every library answer equals the naive one.
func (r *sizeRun) answersEqual() bool {
	for _, c := range r.Answers {
		if !c.Equal {
			return false
		}
	}
	return true
}

// onProcessor says which processor a run was on, when known.
func onProcessor(model string) string {
	if model == "" {
		return ""
	}
	return ", on " + model
}

// writeTable prints a run on the machine m as a table, then its answer
// checks.
func writeTable(w io.Writer, r sizeRun, m machine) {
	shape := ""
	if r.Shape != "" && r.Shape != shapeLab {
		shape = " (" + r.Shape + " shape)"
	}
	fmt.Fprintf(w, "\n%d kube-apiserver requests%s, %d events, %.0f MB uncompressed JSON, %d workers, gzip inflated by %s%s\n",
		r.Requests, shape, r.Events, float64(r.Bytes)/mb, r.Workers, auditlog.Inflater(), onProcessor(m.CPUModel))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\timpl\twall\tcpu\tMB/s\tevents/s\tpeak RSS\tx floor\tnaive\tx faster than naive\t")
	for _, x := range r.Rows {
		naive, faster := "", ""
		if x.NaiveSeconds > 0 {
			naive = fmt.Sprintf("%.2fs", x.NaiveSeconds)
			faster = fmt.Sprintf("%.1fx", x.XFasterThanNaive)
		}
		xfloor := ""
		if x.XFloor > 0 {
			xfloor = fmt.Sprintf("%.2fx", x.XFloor)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2fs\t%.2fs\t%.0f\t%.0f\t%.0f MB\t%s\t%s\t%s\t\n", x.Case, x.Impl,
			x.WallSeconds, x.CPUSeconds, x.MBPerSecond, x.EventsPerSecond, float64(x.PeakRSSBytes)/mb,
			xfloor, naive, faster)
	}
	tw.Flush()
	if r.row(klauspostFloorCase, "floor") != nil {
		fmt.Fprintf(w, "x floor: over %s, the floor with klauspost/compress's gzip inflater\n", klauspostFloorCase)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Sets)) {
		s := r.Sets[name]
		fmt.Fprintf(w, "set %s: %d files, %d events, %.0f MB uncompressed JSON\n", name, s.Files, s.Events, float64(s.Bytes)/mb)
	}
	if n := r.Naive; n != nil {
		fmt.Fprintf(w, "naive: load %.2fs (%d events, %d failed lines, %d files), sort %.2fs\n",
			n.LoadSeconds, n.Events, n.Failures, n.Files, n.SortSeconds)
	}
	for _, c := range r.Answers {
		if c.Equal {
			fmt.Fprintf(w, "answer %-16s %-7s equals the naive baseline's (%d lines)\n", c.Question, c.Library, c.Lines)
			continue
		}
		fmt.Fprintf(w, "answer %-16s %-7s DIFFERS from the naive baseline's:\n", c.Question, c.Library)
		for _, d := range c.Diffs {
			fmt.Fprintln(w, "    "+d)
		}
	}
}

// target is one of the targets, checked.
type target struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Limit  float64 `json:"limit"`
	Met    bool    `json:"met"`
	Detail string  `json:"detail"`
}

// The targets.
const (
	targetXFloor       = 1.3   // --by=user -otop at most 1.3x the floor
	targetXKlauspost   = 1.15  // with another inflater, at most 1.15x klauspost's floor (issue 26)
	targetParquet      = 0.5   // --by=user -otop from the Parquet copy at most half the floor (issue 13)
	targetXNaive       = 8     // and at least 8x faster than naive
	targetPeakRSS      = 150e6 // every library case's peak RSS, bytes, but listings'
	targetListingRSS   = 200e6 // a listing's peak RSS, whatever its input (issue 15)
	targetFlatRSSGrow  = 1.25  // "flat": peak RSS grows at most 25% when the input doubles
	targetXWhere       = 1.2   // culprit-403-where at most 1.2x culprit-403 (issue 14)
	targetFindings     = 1.5   // every findings detector at once at most 1.5x by-user (issue 11)
	targetXByUser      = 2     // the grouped view and the HTML report at most 2x --by=user -otop (issue 15)
	targetXByUserCases = "grouped,html"
	targetCompare      = 1.2 // compare of the input with itself at most 1.2x reading it twice with by-user (issue 22)
)

// isListing reports whether the case named name is a listing.
func isListing(name string) bool {
	return name == "get-listing" || isStress(name)
}

// checkTargets checks the targets on the runs.
func checkTargets(runs []sizeRun) []target {
	var ts []target
	for _, r := range runs {
		for _, x := range r.Rows {
			if x.Impl == "floor" || x.Impl == "naive" {
				continue
			}
			if x.Case == "by-user" && x.XFloor > 0 {
				ts = append(ts, target{Name: fmt.Sprintf("by-user (%s) at %d: wall <= %.1fx floor", x.Impl, r.Requests, targetXFloor),
					Value: x.XFloor, Limit: targetXFloor, Met: x.XFloor <= targetXFloor, Detail: fmt.Sprintf("%.2fx", x.XFloor)})
				if r.row(klauspostFloorCase, "floor") != nil {
					ts = append(ts, target{Name: fmt.Sprintf("by-user (%s) at %d, gzip by %s: wall <= %.2fx klauspost floor", x.Impl, r.Requests, auditlog.Inflater(), targetXKlauspost),
						Value: x.XFloor, Limit: targetXKlauspost, Met: x.XFloor <= targetXKlauspost, Detail: fmt.Sprintf("%.2fx", x.XFloor)})
				}
			}
			if x.Case == parquetCase("by-user") && x.XFloor > 0 {
				ts = append(ts, target{Name: fmt.Sprintf("%s (%s) at %d: wall <= %.1fx floor", x.Case, x.Impl, r.Requests, targetParquet),
					Value: x.XFloor, Limit: targetParquet, Met: x.XFloor <= targetParquet, Detail: fmt.Sprintf("%.2fx", x.XFloor)})
			}
			if x.Case == "by-user" && x.XFasterThanNaive > 0 {
				ts = append(ts, target{Name: fmt.Sprintf("by-user (%s) at %d: >= %.0fx faster than naive", x.Impl, r.Requests, float64(targetXNaive)),
					Value: x.XFasterThanNaive, Limit: targetXNaive, Met: x.XFasterThanNaive >= targetXNaive, Detail: fmt.Sprintf("%.1fx", x.XFasterThanNaive)})
			}
			if x.Case == exportCase {
				// Issue 6's memory target is for answering questions; an
				// export buffers row groups (bounded, flat).
				continue
			}
			limit := targetPeakRSS
			if isListing(x.Case) {
				limit = targetListingRSS
			}
			ts = append(ts, target{Name: fmt.Sprintf("%s (%s) at %d: peak RSS <= %.0f MB", x.Case, x.Impl, r.Requests, limit/mb),
				Value: float64(x.PeakRSSBytes), Limit: limit, Met: float64(x.PeakRSSBytes) <= limit,
				Detail: fmt.Sprintf("%.0f MB", float64(x.PeakRSSBytes)/mb)})
			if by := r.row("by-user", x.Impl); by != nil && by.WallSeconds > 0 && x.Case == findingsCase {
				ratio := x.WallSeconds / by.WallSeconds
				ts = append(ts, target{Name: fmt.Sprintf("%s (%s) at %d: wall <= %.1fx by-user's", x.Case, x.Impl, r.Requests, targetFindings),
					Value: ratio, Limit: targetFindings, Met: ratio <= targetFindings, Detail: fmt.Sprintf("%.2fx", ratio)})
			}
			if by := r.row("by-user", x.Impl); by != nil && by.WallSeconds > 0 && x.Case == compareCase {
				ratio := x.WallSeconds / (2 * by.WallSeconds)
				ts = append(ts, target{Name: fmt.Sprintf("%s (%s) at %d: wall <= %.1fx by-user's twice", x.Case, x.Impl, r.Requests, targetCompare),
					Value: ratio, Limit: targetCompare, Met: ratio <= targetCompare, Detail: fmt.Sprintf("%.2fx", ratio)})
			}
			if by := r.row("by-user", x.Impl); by != nil && by.WallSeconds > 0 && slices.Contains(strings.Split(targetXByUserCases, ","), x.Case) {
				ratio := x.WallSeconds / by.WallSeconds
				ts = append(ts, target{Name: fmt.Sprintf("%s (%s) at %d: wall <= %.0fx by-user's", x.Case, x.Impl, r.Requests, float64(targetXByUser)),
					Value: ratio, Limit: targetXByUser, Met: ratio <= targetXByUser, Detail: fmt.Sprintf("%.2fx", ratio)})
			}
		}
	}
	ts = append(ts, whereTargets(runs)...)
	if len(runs) < 2 {
		return ts
	}
	small, large := runs[0], runs[len(runs)-1]
	for _, a := range small.Rows {
		if a.Impl == "floor" || a.Impl == "naive" || a.PeakRSSBytes == 0 {
			continue
		}
		for _, b := range large.Rows {
			if b.Case != a.Case || b.Impl != a.Impl {
				continue
			}
			grow := float64(b.PeakRSSBytes) / float64(a.PeakRSSBytes)
			ts = append(ts, target{Name: fmt.Sprintf("%s (%s): peak RSS flat from %d to %d requests (<= %.2fx)", a.Case, a.Impl, small.Requests, large.Requests, targetFlatRSSGrow),
				Value: grow, Limit: targetFlatRSSGrow, Met: grow <= targetFlatRSSGrow,
				Detail: fmt.Sprintf("%.0f MB -> %.0f MB (%.2fx)", float64(a.PeakRSSBytes)/mb, float64(b.PeakRSSBytes)/mb, grow)})
		}
	}
	return ts
}

// whereTargets checks that a question asked with --where takes at most
// targetXWhere times as long as with flags, for each implementation.
func whereTargets(runs []sizeRun) []target {
	var ts []target
	for _, r := range runs {
		for _, w := range r.Rows {
			if w.Case != "culprit-403-where" {
				continue
			}
			for _, f := range r.Rows {
				if f.Case != "culprit-403" || f.Impl != w.Impl || f.WallSeconds <= 0 {
					continue
				}
				x := w.WallSeconds / f.WallSeconds
				ts = append(ts, target{Name: fmt.Sprintf("culprit-403-where (%s) at %d: wall <= %.1fx culprit-403", w.Impl, r.Requests, targetXWhere),
					Value: x, Limit: targetXWhere, Met: x <= targetXWhere, Detail: fmt.Sprintf("%.2fx", x)})
			}
		}
	}
	return ts
}

// writeTargets prints the targets, met or missed.
func writeTargets(w io.Writer, ts []target) {
	if len(ts) == 0 {
		return
	}
	fmt.Fprintln(w, "\ntargets:")
	for _, t := range ts {
		mark := "met   "
		if !t.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", mark, t.Name, t.Detail)
	}
}

// document is the -json output.
type document struct {
	Date      time.Time `json:"date"`
	Machine   machine   `json:"machine"`
	Workers   int       `json:"workers"`
	Count     int       `json:"count"`
	Libraries []string  `json:"libraries"`
	Runs      []sizeRun `json:"runs"`
	Targets   []target  `json:"targets"`
}

// machine describes where the harness ran.
type machine struct {
	CPUs int `json:"cpus"`
	// CPUModel is the processor's name as the system gives it ("" when it
	// does not): ratios to the floor move between processors of one size
	// (an SSE/AVX state transition costs on Intel's, not on AMD's).
	CPUModel    string `json:"cpuModel,omitempty"`
	MemoryBytes int64  `json:"memoryBytes,omitempty"`
	GoVersion   string `json:"goVersion"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	Commit      string `json:"commit,omitempty"`
	// Inflater names the gzip inflater of the floor and of every library
	// case (auditlog.Inflater).
	Inflater string `json:"inflater"`
}

// thisMachine describes the machine the harness runs on.
func thisMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Inflater:    auditlog.Inflater(),
		MemoryBytes: totalMemory(), CPUModel: cpuModel()}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// cpuModel reads the first processor's model name from /proc/cpuinfo; ""
// when it cannot.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	return modelName(string(b))
}

// modelName returns the value of the first "model name" line of a
// /proc/cpuinfo text, or "".
func modelName(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		key, value, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// totalMemory reads MemTotal from /proc/meminfo; 0 when it cannot.
func totalMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		var kib int64
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kib); err == nil {
			return kib * 1024
		}
	}
	return 0
}

// writeJSON writes the runs on the machine m to path.
func writeJSON(path string, o options, m machine, libs []string, runs []sizeRun, ts []target) error {
	doc := document{Date: time.Now().UTC(), Machine: m, Workers: o.workers, Count: o.count,
		Libraries: libs, Runs: runs, Targets: ts}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
