package auditlog

import (
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func TestFieldManager(t *testing.T) {
	tests := []struct {
		query, want string
		ok          bool
	}{
		{"fieldManager=kubectl", "kubectl", true},
		{"a=1&fieldManager=kube%2Dcontroller", "kube-controller", true},
		{"fieldManager=a+b", "a b", true},
		{"fieldManager=bad%zz", "bad%zz", true},
		{"fieldManager=", "", true},
		{"fieldManager", "", true},
		{"fieldManager=x&fieldManager=y", "x", true},
		{"field%4Danager=esc", "esc", true},
		{"labelSelector=app%3Dweb&field%4Danager=esc", "esc", true},
		{"labelSelector=app%3Dweb&limit=500", "", false},
		{"a;field%4Danager=esc", "", false},
		{"limit=1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		e := &Entry{Event: &auditv1.Event{RequestURI: "/api/v1/pods?" + tt.query}}
		for range 2 { // computed, then remembered
			if got, ok := e.FieldManager(); got != tt.want || ok != tt.ok {
				t.Errorf("FieldManager(%q) = %q, %v; want %q, %v", tt.query, got, ok, tt.want, tt.ok)
			}
		}
	}
	e := &Entry{Event: &auditv1.Event{RequestURI: "/api/v1/pods?fieldManager=uri"}}
	e.setFieldManager("column", true)
	if got, ok := e.FieldManager(); got != "column" || !ok {
		t.Errorf("FieldManager after setFieldManager = %q, %v; want the column's", got, ok)
	}
	e.Reset(e.Event, nil, 0, "")
	if got, _ := e.FieldManager(); got != "uri" {
		t.Errorf("FieldManager after Reset = %q; want the URI's", got)
	}
}

// FuzzFieldManager checks Entry.FieldManager, with its shortcut for URIs
// that cannot have the parameter, against Request.QueryValue.
func FuzzFieldManager(f *testing.F) {
	f.Add("fieldManager=kube%2Dcontroller&a=b")
	f.Add("x=%&fieldManager=%41+")
	f.Add("field%4Danager=1")
	f.Add("labelSelector=app%3Dweb&watch=1")
	f.Add("a=%3D;field%4Danager=2")
	f.Fuzz(func(t *testing.T, query string) {
		uri := "/api/v1/pods?" + query
		r := ParseRequestURI(uri)
		want, wantOK := r.QueryValue("fieldManager")
		e := &Entry{Event: &auditv1.Event{RequestURI: uri}}
		if got, ok := e.FieldManager(); got != want || ok != wantOK {
			t.Fatalf("FieldManager(%q) = %q, %v; QueryValue = %q, %v", query, got, ok, want, wantOK)
		}
	})
}
