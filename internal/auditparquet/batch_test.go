package auditparquet_test

import (
	"bytes"
	"cmp"
	"slices"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/auditparquet"
	"github.com/auditlens/auditlens/internal/longtest"
)

// request is what an export takes of e's requestURI and where e was read
// from.
func request(e *auditlog.Entry) (auditparquet.Request, auditparquet.Location) {
	loc := auditparquet.Location{Node: e.Node, Line: e.Line}
	if e.Source != nil {
		loc.Server, loc.File = string(e.Source.Server), e.Source.Path
	}
	q := e.Request()
	req := auditparquet.Request{APIGroup: q.APIGroup, APIVersion: q.APIVersion, Resource: q.Resource,
		Subresource: q.Subresource, Namespace: q.Namespace, Name: q.Name}
	req.FieldManager, req.HasFieldManager = e.FieldManager()
	return req, loc
}

// TestWriteRowGroupDifferential: the files of Batch and WriteRowGroup
// are, byte for byte, those of the Parquet library's reflection of Rows
// (Row.Set, then GenericWriter.Write of the rows sorted by time, then
// Flush), on the sample's logs of a node of the API servers and the
// corpus of real logs (impersonation, v1beta1, bodies, odd users), in row
// groups of several sizes (pages of many rows and of a few), with bodies
// and without. The batch is fed by a reader that reuses the memory of its
// events from one to the next, so that a string it did not copy would
// show; the rows by the entries cloned.
func TestWriteRowGroupDifferential(t *testing.T) {
	// The whole sample in the long step of .ci/run.
	sources, err := auditlog.Find(longtest.Pick([]string{
		"../../testdata/must-gather/audit_logs/kube-apiserver/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz",
		"../../testdata/must-gather/audit_logs/openshift-apiserver",
		"../../testdata/must-gather/audit_logs/oauth-apiserver",
		"../../testdata/corpus"}, []string{"../../testdata/must-gather", "../../testdata/corpus"})...)
	if err != nil {
		t.Fatal(err)
	}
	opts := auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldsAll}
	var kept []*auditlog.Entry
	for e := range auditlog.NewReader(sources, opts).All() {
		kept = append(kept, e.Clone())
	}
	if len(kept) < 5000 {
		t.Fatalf("%d events read; want the sample's and the corpus's", len(kept))
	}
	sizes := []int{1, 2, 65, 3000, 20000, 7}
	for _, bodies := range []bool{false, true} {
		var want, got bytes.Buffer
		ref := auditparquet.NewWriter(&want, "test")
		w := auditparquet.NewWriter(&got, "test")
		var b auditparquet.Batch
		var rows []*auditparquet.Row
		unsorted := 0
		end := func() {
			if !slices.IsSortedFunc(rows, byTime) {
				unsorted++
			}
			slices.SortStableFunc(rows, byTime)
			if _, err := ref.Write(rows); err != nil {
				t.Fatal(err)
			}
			if err := ref.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := auditparquet.WriteRowGroup(w, &b); err != nil {
				t.Fatal(err)
			}
			b.Reset()
			rows = rows[:0]
		}
		i, g := 0, 0
		for e := range auditlog.NewReader(sources, opts).All() {
			req, loc := request(e)
			b.Add(e.Event, &req, &loc, bodies)
			r := new(auditparquet.Row)
			req, loc = request(kept[i])
			r.Set(kept[i].Event, &req, &loc, bodies)
			rows = append(rows, r)
			i++
			if len(rows) == sizes[g%len(sizes)] {
				end()
				g++
			}
		}
		if len(rows) > 0 {
			end()
		}
		if i != len(kept) || unsorted == 0 {
			t.Fatalf("%d events read again, of %d; %d row groups not in time order", i, len(kept), unsorted)
		}
		if err := ref.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("bodies %v: WriteRowGroup wrote %d bytes, unlike the %d of the reflection", bodies, got.Len(), want.Len())
		}
	}
}

func byTime(x, y *auditparquet.Row) int { return cmp.Compare(x.RequestReceived, y.RequestReceived) }
