package auditlog

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestQueryParams(t *testing.T) {
	type pair struct{ name, value string }
	for _, c := range []struct {
		uri  string
		want []pair
	}{
		{"/api/v1/pods", nil},
		{"/api/v1/pods?", nil},
		{"/api/v1/pods?watch", []pair{{"watch", ""}}},
		{"/api/v1/pods?a=1&&b=&=c&", []pair{{"a", "1"}, {"b", ""}, {"", "c"}}},
		{"/api/v1/pods?labelSelector=app%3Dweb&a+b=c=d&limit=5&limit=6",
			[]pair{{"labelSelector", "app%3Dweb"}, {"a+b", "c=d"}, {"limit", "5"}, {"limit", "6"}}},
	} {
		r := ParseRequestURI(c.uri)
		var got []pair
		for name, value := range r.QueryParams() {
			got = append(got, pair{name, value})
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.uri, got, c.want)
		}
		// Stopping early stops, and the sequence can be read again.
		n := 0
		for range r.QueryParams() {
			n++
			break
		}
		if again := 0; n != min(1, len(c.want)) {
			t.Errorf("%s: %d pairs read before the break", c.uri, n)
		} else {
			for range r.QueryParams() {
				again++
			}
			if again != len(c.want) {
				t.Errorf("%s: %d pairs the second time, want %d", c.uri, again, len(c.want))
			}
		}
	}
	r := ParseRequestURI("/api/v1/pods?labelSelector=app%3Dweb&limit=500&watch")
	if n := testing.AllocsPerRun(100, func() {
		for name, value := range r.QueryParams() {
			_, _ = name, value
		}
	}); n != 0 {
		t.Errorf("QueryParams allocates %v times", n)
	}
}

func TestQueryUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "plain": "plain", "kube%20ctl": "kube ctl", "a+b": "a b", "%zz": "%zz", "100%": "100%", "%3D%3d": "==",
	} {
		if got := QueryUnescape(in); got != want {
			t.Errorf("QueryUnescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzQueryParams checks QueryParams, unescaped, against net/url's
// ParseQuery on the queries it parses (it rejects a query with a
// malformed escape or a semicolon): the same parameters with the same
// values in the same order, and QueryValue is the first of them.
func FuzzQueryParams(f *testing.F) {
	for _, q := range []string{"a=1&b=2&a=3", "a+b=c%20d&&=x&y", "fieldManager=kube%2Dctl&limit=500", "x=%zz"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := Request{RawQuery: q}
		got := map[string][]string{}
		for name, value := range r.QueryParams() {
			if !strings.Contains(q, name) || !strings.Contains(q, value) {
				t.Fatalf("%q: %q=%q is not written in the query", q, name, value)
			}
			k := QueryUnescape(name)
			got[k] = append(got[k], QueryUnescape(value))
		}
		for k, vs := range got {
			if v, ok := r.QueryValue(k); !ok || v != vs[0] {
				t.Fatalf("%q: QueryValue(%q) = %q, %v; want %q", q, k, v, ok, vs[0])
			}
		}
		want, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %q, ParseQuery %q", q, got, want)
		}
		for k, vs := range want {
			if !slices.Equal(got[k], vs) {
				t.Fatalf("%q: %q = %q, ParseQuery %q", q, k, got[k], vs)
			}
		}
	})
}
