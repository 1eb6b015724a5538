package aggregate

import (
	"testing"

	"github.com/auditlens/auditlens/auditlog"
)

func TestAppendQueryValue(t *testing.T) {
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
		{"limit=1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		r := auditlog.ParseRequestURI("/api/v1/pods?" + tt.query)
		got, ok := appendQueryValue(nil, &r, "fieldManager")
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("appendQueryValue(%q) = %q, %v; want %q, %v", tt.query, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzAppendQueryValue checks appendQueryValue against Request.QueryValue.
func FuzzAppendQueryValue(f *testing.F) {
	f.Add("fieldManager=kube%2Dcontroller&a=b")
	f.Add("x=%&fieldManager=%41+")
	f.Add("field%4Danager=1")
	f.Fuzz(func(t *testing.T, query string) {
		r := auditlog.ParseRequestURI("/api/v1/pods?" + query)
		want, wantOK := r.QueryValue("fieldManager")
		got, ok := appendQueryValue([]byte("p"), &r, "fieldManager")
		if string(got) != "p"+want || ok != wantOK {
			t.Fatalf("appendQueryValue(%q) = %q, %v; QueryValue = %q, %v", query, got[1:], ok, want, wantOK)
		}
	})
}
