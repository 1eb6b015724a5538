package auditlog_test

import (
	"os"
	"slices"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
)

// TestBytesReadsAsTheFile checks that a source in memory reads as the
// file whose bytes it holds: the same events, and a report that names it.
func TestBytesReadsAsTheFile(t *testing.T) {
	const path = "../testdata/must-gather/audit_logs/kube-apiserver/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(src auditlog.Source) ([]string, *auditlog.Report) {
		r := auditlog.NewReader([]auditlog.Source{src}, auditlog.Options{Fields: auditlog.FieldAuditID, EveryStage: true})
		var out []string
		for e := range r.All() {
			out = append(out, string(e.Event.AuditID))
		}
		return out, r.Report()
	}
	sources, err := auditlog.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ids(sources[0])
	got, rep := ids(auditlog.Bytes("batch 1", data))
	if len(want) < 100 || !slices.Equal(got, want) {
		t.Fatalf("%d events from memory, %d from the file", len(got), len(want))
	}
	again, _ := ids(auditlog.Bytes("batch 1", data))
	if !slices.Equal(again, want) {
		t.Fatal("a source in memory should read again")
	}
	if rep.Events != int64(len(want)) {
		t.Fatalf("report: %d events", rep.Events)
	}
	empty, rep := ids(auditlog.Bytes("empty", nil))
	if len(empty) != 0 || rep.Events != 0 {
		t.Fatalf("an empty batch: %d events", len(empty))
	}
}
