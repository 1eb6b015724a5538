package aggregate

import (
	"bytes"
	"path/filepath"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

// TestParquetDeclaredFields reads an export of the sample with only the
// fields each aggregator declares (a Parquet source fills nothing else),
// and checks that each gives the result of one pass over the entries read
// from the logs with every field: every aggregator declares what it reads.
func TestParquetDeclaredFields(t *testing.T) {
	entries, _ := sampleEntries(t)
	logs := filepath.Join(*sampleDir, "audit_logs", "kube-apiserver")
	out := filepath.Join(t.TempDir(), "export")
	w, err := export.NewWriter(out, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sources, err := auditlog.Find(logs)
	if err != nil {
		t.Fatal(err)
	}
	for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()}).All() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if sources, err = auditlog.Find(out); err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds() {
		agg := k.make()
		fields := agg.(interface{ Fields() auditlog.Fields }).Fields() | auditlog.FieldStage
		for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields}).All() {
			if e.Event.Stage == auditv1.StageResponseComplete {
				agg.Add(e)
			}
		}
		got := resultJSON(t, k.result(agg))
		if want := onePass(t, k, entries); !bytes.Equal(got, want) {
			t.Errorf("%s, from Parquet with its fields (%v):\n%s\nwant:\n%s", k.name, fields, clip(got), clip(want))
		}
	}
}
