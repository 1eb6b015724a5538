package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/internal/mustgather"
)

// stressCase is a listing measured for its memory on a set made to strain
// it (issue 15): many rotated files whose names give no node, or events
// of many megabytes. It runs with the CLI only, its output discarded, and
// is not compared with the naive baseline.
type stressCase struct {
	name string
	// set names the set and gives its configuration, for the lab size n.
	set func(o options, n int) (string, mustgather.Config)
	// args follow -f KUBE_DIR.
	args []string
}

// stressCases are the stress cases, in the order they run.
func stressCases() []stressCase {
	return []stressCase{
		{name: "listing-rotated", set: rotatedSet, args: []string{"--verb=get", "-o", "json"}},
		{name: "listing-huge", set: hugeSet},
		{name: "listing-huge-json", set: hugeSet, args: []string{"-o", "json"}},
		// A filter that drops the huge events: their bytes fill the
		// window while they are read, then go with no entry (a listing
		// hung on it).
		{name: "listing-huge-get", set: hugeSet, args: []string{"--verb=get", "-o", "json"}},
	}
}

// rotatedSet is the lab's requests from one master as a vanilla
// kube-apiserver writes them: o.rotatedFiles files named
// audit-TIME.log.gz, then audit.log, with no node in their names.
func rotatedSet(o options, n int) (string, mustgather.Config) {
	cfg := config(n)
	cfg.Masters, cfg.Files, cfg.PlainNames = 1, o.rotatedFiles, true
	return "rotated-" + strconv.Itoa(o.rotatedFiles), cfg
}

// hugeSet is a small must-gather (at most 20,000 requests) with
// o.hugeLines events of at least o.hugeBytes each (a responseObject that
// big).
func hugeSet(o options, n int) (string, mustgather.Config) {
	cfg := config(min(n, 20000))
	cfg.Bad = mustgather.BadInput{HugeLine: o.hugeLines, HugeLineBytes: o.hugeBytes}
	return fmt.Sprintf("huge-%dx%d", o.hugeLines, o.hugeBytes), cfg
}

// isStress reports whether name is a stress case.
func isStress(name string) bool {
	for _, sc := range stressCases() {
		if sc.name == name {
			return true
		}
	}
	return false
}

// runStress measures the selected stress cases of size n into r.
func (h *harness) runStress(r *sizeRun, n int) error {
	sets := map[string]*dataset{}
	for _, sc := range stressCases() {
		if !h.opts.selected(sc.name) {
			continue
		}
		if h.cli == "" {
			fmt.Fprintf(h.log, "warning: %s runs with the CLI only\n", sc.name)
			continue
		}
		name, cfg := sc.set(h.opts, n)
		d := sets[name]
		if d == nil {
			dir := h.setDir(n, name)
			want, err := json.Marshal(cfg)
			if err != nil {
				return err
			}
			if d, err = openDataset(dir, want, fmt.Sprintf("%d kube-apiserver requests, %s", cfg.Events, name), h.opts.exe, h.log); err != nil {
				return err
			}
			if h.opts.keep == "" {
				defer os.RemoveAll(dir)
			}
			if err := d.warm(); err != nil {
				return err
			}
			floor, err := runFloor(d.kubeDir, h.opts.workers)
			if err != nil {
				return err
			}
			sets[name] = d
			if r.Sets == nil {
				r.Sets = map[string]setSize{}
			}
			r.Sets[name] = setSize{Events: d.kubeEvents(), Bytes: floor.Bytes, Files: floor.Files}
		}
		args := append([]string{"-f", d.kubeDir}, sc.args...)
		c := child{path: h.cli, args: append(args, "--workers", strconv.Itoa(h.opts.workers)),
			stderr: filepath.Join(h.tmp, sc.name+".stderr")}
		fmt.Fprintf(h.log, "measuring %s (%s)...\n", sc.name, libCLI)
		m, err := measureBest(c, h.opts.count)
		if err != nil {
			return err
		}
		x := newRow(sc.name, libCLI, "kubectl-audit -f "+name+" "+strings.Join(sc.args, " "), m)
		x.Set = name
		r.Rows = append(r.Rows, x)
	}
	return nil
}

// setDir is the folder of the set named name at size n: beside the lab
// set's.
func (h *harness) setDir(n int, name string) string {
	if h.opts.keep == "" {
		return filepath.Join(h.tmp, "must-gather-"+strconv.Itoa(n)+"-"+name)
	}
	dir := h.opts.keep
	if len(h.opts.sizes) > 1 {
		dir = filepath.Join(dir, "events-"+strconv.Itoa(n))
	}
	return dir + "-" + name
}
