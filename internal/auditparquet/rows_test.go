package auditparquet

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// row is an event with what a row says beside it.
type row struct {
	ev   auditv1.Event
	req  Request
	loc  Location
	meta Meta
}

func at(s string) metav1.MicroTime {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return metav1.MicroTime{Time: t.Local()}
}

// testRows are events that use every column, and the edges of each: zero
// times, present but empty values, absent parts.
func testRows() []row {
	full := auditv1.Event{
		TypeMeta: metav1.TypeMeta{Kind: "Event", APIVersion: "audit.k8s.io/v1"},
		Level:    auditv1.LevelRequestResponse, AuditID: "a1", Stage: auditv1.StageResponseComplete,
		RequestURI: "/apis/apps/v1/namespaces/web/deployments/d/status?fieldManager=kube%2Dctl",
		Verb:       "patch",
		User: authnv1.UserInfo{Username: "alice", UID: "u1", Groups: []string{"g1", "g2"},
			Extra: map[string]authnv1.ExtraValue{"scopes": {"user:full", "x"}}},
		ImpersonatedUser: &authnv1.UserInfo{Username: "bob", UID: "u2", Groups: []string{"g3"},
			Extra: map[string]authnv1.ExtraValue{"k": {"v"}}},
		AuthenticationMetadata: &auditv1.AuthenticationMetadata{ImpersonationConstraint: "constraint"},
		SourceIPs:              []string{"10.0.0.1", "fe80::1"},
		UserAgent:              "kubectl/v1.30",
		ObjectRef: &auditv1.ObjectReference{Resource: "deployments", Namespace: "web", Name: "d", UID: "o1",
			APIGroup: "apps", APIVersion: "v1", ResourceVersion: "42", Subresource: "status"},
		ResponseStatus: &metav1.Status{Status: "Failure", Message: "no", Reason: metav1.StatusReasonForbidden, Code: 403,
			Details: &metav1.StatusDetails{Name: "d", Kind: "deployments", Causes: []metav1.StatusCause{{Type: "x", Message: "m", Field: "f"}}}},
		RequestObject:            &runtime.Unknown{Raw: []byte(`{"a":1}`), ContentType: runtime.ContentTypeJSON},
		ResponseObject:           &runtime.Unknown{Raw: []byte(`{"b":[2]}`), ContentType: runtime.ContentTypeJSON},
		RequestReceivedTimestamp: at("2022-02-07T22:15:16.123456Z"),
		StageTimestamp:           at("2022-02-07T22:15:16.223457Z"),
		Annotations: map[string]string{AnnotationDecision: "forbid", AnnotationReason: "",
			"apiserver.latency.k8s.io/total": "100ms"},
	}
	return []row{
		{ev: full,
			req:  Request{APIGroup: "apps", APIVersion: "v1", Resource: "deployments", Subresource: "status", Namespace: "web", Name: "d", FieldManager: "kube-ctl", HasFieldManager: true},
			loc:  Location{Server: "kube-apiserver", Node: "master-0", File: "/logs/master-0-audit.log", Line: 7},
			meta: Meta{Location: Location{Server: "kube-apiserver", Node: "master-0", File: "/logs/master-0-audit.log", Line: 7}, FieldManager: "kube-ctl", HasFieldManager: true}},
		{ev: auditv1.Event{AuditID: "a2"}, // zero times, nothing else
			meta: Meta{}},
		{ev: auditv1.Event{AuditID: "a3", ObjectRef: &auditv1.ObjectReference{}, ResponseStatus: &metav1.Status{},
			ImpersonatedUser: &authnv1.UserInfo{}, AuthenticationMetadata: &auditv1.AuthenticationMetadata{},
			RequestReceivedTimestamp: at("2022-02-07T23:00:00Z"), Annotations: map[string]string{AnnotationDecision: ""}},
			req:  Request{HasFieldManager: true}, // ?fieldManager=
			loc:  Location{Line: 1},
			meta: Meta{Location: Location{Line: 1}, HasFieldManager: true}},
	}
}

// writeRows writes rows with NewWriter, a row group every two rows.
func writeRows(t testing.TB, rows []row) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf, "test")
	for i := range rows {
		var r Row
		r.Set(&rows[i].ev, &rows[i].req, &rows[i].loc, true)
		if _, err := w.Write([]*Row{&r}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readRows reads every row of data with cols.
func readRows(t testing.TB, data []byte, cols Columns, fresh bool) ([]auditv1.Event, []Meta) {
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var evs []auditv1.Event
	var metas []Meta
	var r Rows
	for rg := range f.NumRowGroups() {
		if err := r.Open(f, rg, cols, fresh); err != nil {
			t.Fatal(err)
		}
		for {
			var ev auditv1.Event
			var m Meta
			if !r.Next(&ev, &m) {
				break
			}
			if !fresh {
				// Its parts are reused by the next row.
				ev = *ev.DeepCopy()
			}
			evs = append(evs, ev)
			metas = append(metas, m)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	return evs, metas
}

func TestRows(t *testing.T) {
	rows := testRows()
	data := writeRows(t, rows)
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Cluster() != "test" || f.NumRowGroups() != 2 || f.NumRows(0) != 2 {
		t.Errorf("cluster %q, %d row groups of %d rows", f.Cluster(), f.NumRowGroups(), f.NumRows(0))
	}
	if first, last, ok := f.Times(0); !ok || first != Micros(time.Time{}) || last != rows[0].ev.RequestReceivedTimestamp.UnixMicro() {
		t.Errorf("Times(0) = %d, %d, %v", first, last, ok)
	}
	for _, fresh := range []bool{false, true} {
		evs, metas := readRows(t, data, AllColumns, fresh)
		if len(evs) != len(rows) {
			t.Fatalf("%d rows read, want %d", len(evs), len(rows))
		}
		for i := range rows {
			want := rows[i].ev
			if len(want.Annotations) == 0 {
				want.Annotations = nil
			}
			if !reflect.DeepEqual(evs[i], want) {
				t.Errorf("fresh %v: row %d:\n got %+v\nwant %+v", fresh, i, evs[i], want)
			}
			if metas[i] != rows[i].meta {
				t.Errorf("fresh %v: row %d: meta %+v, want %+v", fresh, i, metas[i], rows[i].meta)
			}
		}
	}
}

// TestRowsProjection reads one column at a time and checks that only its
// part of the event is filled.
func TestRowsProjection(t *testing.T) {
	data := writeRows(t, testRows())
	evs, _ := readRows(t, data, ColumnsOf(ColUsername, ColCode), false)
	want := auditv1.Event{User: authnv1.UserInfo{Username: "alice"}, ResponseStatus: &metav1.Status{Code: 403}}
	if !reflect.DeepEqual(evs[0], want) {
		t.Errorf("username and code:\n got %+v\nwant %+v", evs[0], want)
	}
	evs, metas := readRows(t, data, ColumnsOf(ColFieldManager, ColAuthzReason), false)
	if evs[0].Annotations[AnnotationReason] != "" || len(evs[0].Annotations) != 1 || evs[0].RequestURI != "" || !metas[2].HasFieldManager {
		t.Errorf("field manager and authz reason: %+v %+v", evs[0], metas)
	}
	if evs[1].Annotations != nil {
		t.Errorf("an absent authz reason gives annotations %v", evs[1].Annotations)
	}
}

// TestRowsReuse checks that without fresh, the parts of an event are
// reused, and with fresh, never.
func TestRowsReuse(t *testing.T) {
	data := writeRows(t, testRows())
	f, _ := Open(bytes.NewReader(data), int64(len(data)))
	for _, fresh := range []bool{false, true} {
		var r Rows
		if err := r.Open(f, 0, AllColumns, fresh); err != nil {
			t.Fatal(err)
		}
		var a, b auditv1.Event
		var m Meta
		r.Next(&a, &m)
		aRef := a.ObjectRef
		r.Next(&b, &m)
		r.Close()
		if err := r.Open(f, 1, AllColumns, fresh); err != nil {
			t.Fatal(err)
		}
		r.Next(&b, &m)
		if same := aRef == b.ObjectRef; same == fresh {
			t.Errorf("fresh %v: object references shared: %v", fresh, same)
		}
		r.Close()
	}
}
