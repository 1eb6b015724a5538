package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/auditlens/auditlens/internal/mustgather"
)

// seed is the generator's seed: every run measures the same bytes.
const seed = 1

// dataset is a generated must-gather the cases read.
type dataset struct {
	// root is the must-gather's folder; kubeDir its kube-apiserver audit
	// logs, which every case reads (-f kubeDir).
	root, kubeDir string
	truth         *mustgather.Truth
	// generated is how long generation took; 0 when the set was reused.
	generated time.Duration
}

// kubeEvents is the number of events in the kube-apiserver logs, every
// stage: what every case has to decode.
func (d *dataset) kubeEvents() int64 {
	if s := d.truth.Servers["kube-apiserver"]; s != nil {
		return s.Events
	}
	return 0
}

// culprit is the user the metrics-403 storm exposes: the user of the lab's
// --user question.
func (d *dataset) culprit() string {
	if m := d.truth.Metrics403; m != nil {
		return m.Username
	}
	if len(d.truth.Users) > 0 {
		return d.truth.Users[0].Key
	}
	return ""
}

// config is the generator's configuration for the lab set of events
// requests: the support lab's must-gather (3 masters, 2h44m42s, rotated
// gzip files) with every scenario, the 403 /proxy/metrics storm among
// them, and objects named as many times as in a real cluster (VaryURIs:
// most groups of the grouped view hold a few requests). Every file is
// gzip, the live one too (GatherGzip), as gather_audit_logs collects a
// must-gather.
func config(events int) mustgather.Config {
	return mustgather.Config{Seed: seed, Events: events, Scenarios: mustgather.ScenarioMix, VaryURIs: true, GatherGzip: true}
}

// setFile, in a generated set's folder, holds the configuration that made
// it, so that a kept set is reused only for the same configuration.
const setFile = "harness-set.json"

// openDataset returns the must-gather cfg makes in dir, generating it when
// dir holds none. A dir holding another set is an error: the harness never
// overwrites what it did not write.
func openDataset(dir string, cfg mustgather.Config, log io.Writer) (*dataset, error) {
	d := &dataset{root: dir, kubeDir: filepath.Join(dir, "audit_logs", "kube-apiserver")}
	want, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, mustgather.TruthFile))
	switch {
	case err == nil:
		have, _ := os.ReadFile(filepath.Join(dir, setFile))
		if string(have) != string(want) {
			return nil, fmt.Errorf("%s holds another must-gather than %s: use another -keep folder", dir, want)
		}
		var t mustgather.Truth
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		d.truth = &t
		fmt.Fprintf(log, "reusing %s (%d kube-apiserver requests)\n", dir, cfg.Events)
		return d, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	fmt.Fprintf(log, "generating %d kube-apiserver requests into %s...\n", cfg.Events, dir)
	t0 := time.Now()
	t, err := mustgather.Generate(dir, cfg)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, setFile), want, 0o644); err != nil {
		return nil, err
	}
	d.truth, d.generated = t, time.Since(t0)
	fmt.Fprintf(log, "generated in %v\n", d.generated.Round(time.Millisecond))
	return d, nil
}

// warm reads every file of the set once, unmeasured, so that the first
// case measured does not pay for the disk alone.
func (d *dataset) warm() error {
	return filepath.WalkDir(d.kubeDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(io.Discard, f)
		return err
	})
}
