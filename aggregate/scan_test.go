package aggregate

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// TestScanKeepsNothing checks that no aggregator keeps a string of an
// entry past Add. Scan reuses the memory the strings point into (and,
// under the race detector, overwrites it first), so a Scan of the sample by
// three workers, merged, must give the result of one pass over entries
// cloned from it.
func TestScanKeepsNothing(t *testing.T) {
	entries, _ := sampleEntries(t)
	sources, err := auditlog.Find(filepath.Join(*sampleDir, "audit_logs", "kube-apiserver"))
	if err != nil {
		t.Fatal(err)
	}
	ks := kinds()
	const workers = 3
	aggs := make([][]auditlog.Sink, workers) // per worker, one per kind
	sinks := make([]auditlog.Sink, workers)
	for w := range workers {
		for _, k := range ks {
			aggs[w] = append(aggs[w], k.make())
		}
		sinks[w] = auditlog.SinkFunc(func(e *auditlog.Entry) {
			if e.Event.Stage == auditv1.StageResponseComplete {
				for _, a := range aggs[w] {
					a.Add(e)
				}
			}
		})
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: auditlog.FieldsMetadata})
	if err := r.Scan(context.Background(), sinks); err != nil {
		t.Fatal(err)
	}
	for i, k := range ks {
		for w := 1; w < workers; w++ {
			k.merge(aggs[0][i], aggs[w][i])
		}
		got := resultJSON(t, k.result(aggs[0][i]))
		if want := onePass(t, k, entries); !bytes.Equal(got, want) {
			t.Errorf("%s: Scan differs from one pass over cloned entries:\n%s\nwant:\n%s", k.name, clip(got), clip(want))
		}
	}
}
