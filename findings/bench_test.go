package findings

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

const sampleLogs = "../testdata/must-gather/audit_logs/kube-apiserver"

// byUser is what -otop --by=user counts: the yardstick of the findings'
// cost.
type byUser struct {
	s *aggregate.Summary
	c *aggregate.Count
}

func (b byUser) Add(e *auditlog.Entry) {
	if e.Event.Stage == "ResponseComplete" {
		b.s.Add(e)
		b.c.Add(e)
	}
}

// BenchmarkAdd is the cost per event of counting entries already decoded
// (every field the detectors read; URIs parsed), into one sink that has
// seen them all before (its keys are known, as in a long capture):
// --by=user against every detector.
func BenchmarkAdd(b *testing.B) {
	entries := readEntries(b, sampleLogs)
	for _, c := range []struct {
		name string
		sink func() auditlog.Sink
	}{
		{"by-user", func() auditlog.Sink { return byUser{aggregate.NewSummary(), aggregate.NewCount(aggregate.KeyUser)} }},
		{"findings", func() auditlog.Sink { return New(Options{}) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := c.sink()
			for _, e := range entries {
				s.Add(e)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, e := range entries {
					s.Add(e)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(entries)), "ns/event")
		})
	}
}

// BenchmarkScan reads the committed sample must-gather (gzip, decoding only
// the fields asked for) with one worker: --by=user against every
// detector, the whole pipeline but the output.
func BenchmarkScan(b *testing.B) { benchScan(b, sampleLogs) }

// BenchmarkScanCluster is BenchmarkScan on a large cluster's shape
// (mustgather.GenerateCluster, 150,000 requests over 22 minutes, small
// events), where decoding the detectors' fields weighs most.
func BenchmarkScanCluster(b *testing.B) {
	dir := b.TempDir()
	if _, err := mustgather.GenerateCluster(dir, mustgather.ClusterConfig{Requests: 150000, Duration: 22 * time.Minute}); err != nil {
		b.Fatal(err)
	}
	benchScan(b, filepath.Join(dir, "audit_logs", "kube-apiserver"))
}

// benchScan runs BenchmarkScan's cases on the logs under dir.
func benchScan(b *testing.B, dir string) {
	sources, err := auditlog.Find(dir)
	if err != nil {
		b.Fatal(err)
	}
	discard := func() auditlog.Sink { return auditlog.SinkFunc(func(*auditlog.Entry) {}) }
	for _, c := range []struct {
		name   string
		sink   func() auditlog.Sink
		fields auditlog.Fields
	}{
		{"by-user", func() auditlog.Sink { return byUser{aggregate.NewSummary(), aggregate.NewCount(aggregate.KeyUser)} },
			aggregate.NewSummary().Fields() | aggregate.KeyUser.Fields() | auditlog.FieldStage},
		{"findings", func() auditlog.Sink { return New(Options{}) }, New(Options{}).Fields()},
		// What decoding the detectors' fields costs, without them.
		{"findings-fields", discard, New(Options{}).Fields()},
		// The same without the fields only a few requests are read for:
		// sourceIPs and userAgent (a request without a user name, a
		// deprecated API's), impersonatedUser and requestObject (access).
		{"findings-fields-few", discard, New(Options{}).Fields() &^
			(auditlog.FieldSourceIPs | auditlog.FieldUserAgent | auditlog.FieldImpersonatedUser | auditlog.FieldRequestObject)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				opts := auditlog.Options{Fields: c.fields, EveryStage: true, EveryCopy: true, Workers: 1}
				if _, _, err := auditlog.Scan(context.Background(), sources, opts, func() sinkOnly { return sinkOnly{c.sink()} }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sinkOnly is a sink run by one worker, which merges nothing.
type sinkOnly struct{ auditlog.Sink }

func (s sinkOnly) Fields() auditlog.Fields { return 0 }
func (s sinkOnly) Merge(sinkOnly)          {}

// benchmarkAdd runs, on entries, --by=user's aggregators and every
// detector, each from empty, and reports their cost per event.
func benchmarkAdd(b *testing.B, entries []*auditlog.Entry) {
	for _, c := range []struct {
		name string
		sink func() auditlog.Sink
	}{
		{"by-user", func() auditlog.Sink { return byUser{aggregate.NewSummary(), aggregate.NewCount(aggregate.KeyUser)} }},
		{"findings", func() auditlog.Sink { return New(Options{ObjectRows: 8192}) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := c.sink()
				for _, e := range entries {
					s.Add(e)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(entries)), "ns/event")
		})
	}
}

// BenchmarkAddVaried is the cost per event of every detector, from empty,
// on a generated capture whose gets, updates and watches name objects of
// their own (mustgather.Config.VaryURIs: the shape where the per-object
// tables fill, let objects go and hold first requests), against --by=user.
func BenchmarkAddVaried(b *testing.B) {
	cfg := plantedConfig
	cfg.Events, cfg.VaryURIs = 150000, true
	dir, _ := generated(b, cfg)
	entries := readEntries(b, dir)
	benchmarkAdd(b, entries)
}

// BenchmarkAddCluster is BenchmarkAddVaried on a large cluster's shape
// (mustgather.GenerateCluster: 6,000 users, small events, one request in
// five naming an object no other request names), about 6,800 requests a
// minute over 22 minutes on 3 API servers, read one server's file after
// the other as a worker of a Scan reads them: the shape on which the
// per-request cost of the detectors weighs most against --by=user.
func BenchmarkAddCluster(b *testing.B) {
	dir := b.TempDir()
	cfg := mustgather.ClusterConfig{Requests: 150000, Duration: 22 * time.Minute}
	if _, err := mustgather.GenerateCluster(dir, cfg); err != nil {
		b.Fatal(err)
	}
	entries := readEntries(b, filepath.Join(dir, "audit_logs", "kube-apiserver"))
	if len(entries) != cfg.Requests {
		b.Fatalf("read %d entries, want %d", len(entries), cfg.Requests)
	}
	benchmarkAdd(b, entries)
}
