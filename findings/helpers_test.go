package findings

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// generated writes a must-gather made with cfg in a temporary directory
// and returns its kube-apiserver log folder and its truth.
func generated(t testing.TB, cfg mustgather.Config) (string, *mustgather.Truth) {
	t.Helper()
	dir := t.TempDir()
	truth, err := mustgather.Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "audit_logs", "kube-apiserver"), truth
}

// scan runs the detectors over the logs under dir, with a Detectors per
// worker of a Scan, merged.
func scan(t testing.TB, dir string, opts Options, workers int) Result {
	t.Helper()
	sources, err := auditlog.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Every stage: the detectors count a request's last event themselves.
	ropts := auditlog.Options{EveryStage: true, EveryCopy: true, Workers: workers}
	d, rep, err := auditlog.Scan(context.Background(), sources, ropts, func() *Detectors { return New(opts) })
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Failures(); n > 0 {
		t.Fatalf("%d lines could not be read", n)
	}
	return d.Result()
}

// readEntries reads every entry under dir, in file and line order, each
// a copy that stays valid.
func readEntries(t testing.TB, dir string) []*auditlog.Entry {
	t.Helper()
	sources, err := auditlog.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []*auditlog.Entry
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: New(Options{}).Fields()})
	for e := range r.All() {
		out = append(out, e.Clone())
	}
	return out
}

// findingOf returns the finding with id and subject, or nil.
func findingOf(res Result, id, subject string) *Finding {
	for i := range res.Findings {
		if f := &res.Findings[i]; f.ID == id && f.Subject == subject {
			return f
		}
	}
	return nil
}

// number returns the value of the number named name, and whether there
// is one.
func number(ns []Number, name string) (float64, bool) {
	for _, n := range ns {
		if n.Name == name {
			return n.Value, true
		}
	}
	return 0, false
}

// only returns the detectors made with opts and the one of them of type
// T, to feed every detector and look at one.
func only[T detector](t testing.TB, opts Options) (*Detectors, T) {
	t.Helper()
	ds := New(opts)
	for _, det := range ds.list {
		if d, ok := det.(T); ok {
			return ds, d
		}
	}
	var zero T
	t.Fatalf("no detector of type %T", zero)
	return nil, zero
}
