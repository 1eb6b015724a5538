package aggregate

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
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
	opts := auditlog.Options{Fields: auditlog.FieldsMetadata, Workers: 3}
	all, _, err := auditlog.Scan(context.Background(), sources, opts, func() *kindSet {
		s := &kindSet{kinds: ks}
		for _, k := range ks {
			s.aggs = append(s.aggs, k.make())
		}
		return s
	})
	if err != nil {
		t.Fatal(err)
	}
	aggs := [][]auditlog.Sink{all.aggs}
	for i, k := range ks {
		got := resultJSON(t, k.result(aggs[0][i]))
		if want := onePass(t, k, entries); !bytes.Equal(got, want) {
			t.Errorf("%s: Scan differs from one pass over cloned entries:\n%s\nwant:\n%s", k.name, clip(got), clip(want))
		}
	}
}

// kindSet is one worker's aggregator of every kind, merged kind by kind.
type kindSet struct {
	kinds []kind
	aggs  []auditlog.Sink
}

func (s *kindSet) Add(e *auditlog.Entry) {
	for _, a := range s.aggs {
		a.Add(e)
	}
}

func (s *kindSet) Fields() auditlog.Fields { return auditlog.FieldsMetadata }

func (s *kindSet) Merge(o *kindSet) {
	for i, k := range s.kinds {
		k.merge(s.aggs[i], o.aggs[i])
	}
}
