package aggregate

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// labEntries are the kube-apiserver requests of a generated must-gather
// of the support lab's shape (600 worker nodes, objects named as many as
// a real cluster's, the findings and the lab's culprits): about 150,000
// requests, read once and held in memory.
var labEntries = sync.OnceValues(func() ([]*auditlog.Entry, error) {
	return generatedEntries("grouped-lab-", func(dir string) error {
		cfg := mustgather.Config{Seed: 1, Events: 150000, Workers: 600, VaryURIs: true,
			Scenarios: mustgather.ScenarioFindings | mustgather.ScenarioMix}
		_, err := mustgather.Generate(dir, cfg)
		return err
	})
})

// generatedEntries generates a must-gather with generate in a new
// directory and returns copies of its kube-apiserver requests (their
// ResponseComplete events), read with the Metadata-level fields.
func generatedEntries(name string, generate func(dir string) error) ([]*auditlog.Entry, error) {
	dir, err := os.MkdirTemp("", name)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) // the entries are copies
	if err := generate(dir); err != nil {
		return nil, err
	}
	sources, err := auditlog.Find(filepath.Join(dir, "audit_logs", "kube-apiserver"))
	if err != nil {
		return nil, err
	}
	var entries []*auditlog.Entry
	for e := range auditlog.NewReader(sources, auditlog.Options{Fields: auditlog.FieldsMetadata}).All() {
		if e.Event.Stage == auditv1.StageResponseComplete {
			entries = append(entries, e.Clone())
		}
	}
	return entries, nil
}

// BenchmarkGroupedLab measures Grouped.Add on a lab-shaped stream, where
// most groups hold a request or two and the kept groups do not fit in a
// core's cache: ns per event, a fresh grouping each time (as a worker's).
// "page" is the HTML report's (the 8192 biggest groups of each verb,
// mean latency alone), "verb" the reference's --by=verb.
func BenchmarkGroupedLab(b *testing.B) {
	entries, err := labEntries()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		make func() *Grouped
	}{
		{"page", func() *Grouped { return NewGrouped(KeyVerb).KeepAtMost(8192).MeanLatencyOnly() }},
		{"verb", func() *Grouped { return NewGrouped(KeyVerb).MeanLatencyOnly() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				addAll(c.make(), entries...)
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(entries)), "ns/event")
		})
	}
}
