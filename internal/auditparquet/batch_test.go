package auditparquet_test

import (
	"bytes"
	"cmp"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

// setRow fills r with e as an export does.
func setRow(r *auditparquet.Row, e *auditlog.Entry, bodies bool) {
	loc := auditparquet.Location{Node: e.Node, Line: e.Line}
	if e.Source != nil {
		loc.Server, loc.File = string(e.Source.Server), e.Source.Path
	}
	q := e.Request()
	req := auditparquet.Request{APIGroup: q.APIGroup, APIVersion: q.APIVersion, Resource: q.Resource,
		Subresource: q.Subresource, Namespace: q.Namespace, Name: q.Name}
	req.FieldManager, req.HasFieldManager = e.FieldManager()
	r.Set(e.Event, &req, &loc, bodies)
}

// TestWriteRowGroupDifferential: the files WriteRowGroup writes are, byte
// for byte, those of the Parquet library's reflection of rows
// (GenericWriter.Write of the rows sorted by time, then Flush), on the
// sample's logs of one node of each API server and the corpus of real
// logs (impersonation, v1beta1, bodies, odd users), shuffled so that each
// row group is sorted, in row groups of several sizes (pages of many rows
// and of a few). The batch is fed by a reader that reuses its events'
// memory from one to the next, so that a string the batch did not copy
// would show.
func TestWriteRowGroupDifferential(t *testing.T) {
	sources, err := auditlog.Find(
		"../../testdata/must-gather/audit_logs/kube-apiserver/ip-10-0-142-86.ec2.internal-audit-2022-02-07T23-09-16.000.log.gz",
		"../../testdata/must-gather/audit_logs/openshift-apiserver",
		"../../testdata/must-gather/audit_logs/oauth-apiserver",
		"../../testdata/corpus")
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
	// The same events again, in the same order, their memory reused.
	rng := rand.New(rand.NewPCG(1, 2))
	perm := rng.Perm(len(kept))
	sizes := []int{1, 2, 65, 3000, 20000}
	for _, bodies := range []bool{false, true} {
		var want, got bytes.Buffer
		ref := auditparquet.NewWriter(&want, "test")
		w := auditparquet.NewWriter(&got, "test")
		var b auditparquet.Batch
		var scratch auditparquet.Row
		i := 0
		for g := 0; i < len(perm); g++ {
			n := min(sizes[g%len(sizes)], len(perm)-i)
			var rows []*auditparquet.Row
			for _, k := range perm[i : i+n] {
				r := new(auditparquet.Row)
				setRow(r, kept[k], bodies)
				rows = append(rows, r)
				// A copy whose memory is overwritten once added.
				setRow(&scratch, kept[k], bodies)
				buf := inBuffer(&scratch)
				b.Add(&scratch)
				for j := range buf {
					buf[j] = 'x'
				}
			}
			i += n
			slices.SortStableFunc(rows, func(x, y *auditparquet.Row) int { return cmp.Compare(x.RequestReceived, y.RequestReceived) })
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

// inBuffer makes every string of r a copy in one buffer, which it
// returns: the strings change as it is overwritten, as those of a
// reader's reused line buffer do.
func inBuffer(r *auditparquet.Row) []byte {
	var strs []*string
	v := reflect.ValueOf(r).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			strs = append(strs, f.Addr().Interface().(*string))
		case reflect.Pointer:
			if p, ok := f.Interface().(*string); ok && p != nil {
				c := *p
				f.Set(reflect.ValueOf(&c))
				strs = append(strs, &c)
			}
		case reflect.Slice:
			if l, ok := f.Interface().([]string); ok {
				l = slices.Clone(l)
				f.Set(reflect.ValueOf(l))
				for j := range l {
					strs = append(strs, &l[j])
				}
			}
		case reflect.Map:
			m := f.Interface().(map[string]string)
			if m == nil {
				continue
			}
			keys := slices.Collect(maps.Keys(m))
			vals := make([]string, len(keys))
			for j, k := range keys {
				vals[j] = m[k]
			}
			clear(m)
			for j := range keys {
				strs = append(strs, &keys[j], &vals[j])
			}
			defer func() {
				for j := range keys {
					m[keys[j]] = vals[j]
				}
			}()
		}
	}
	n := 0
	for _, p := range strs {
		n += len(*p)
	}
	buf := make([]byte, 0, n)
	for _, p := range strs {
		start := len(buf)
		buf = append(buf, *p...)
		*p = unsafe.String(unsafe.SliceData(buf[start:]), len(*p))
	}
	return buf
}
