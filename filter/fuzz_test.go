package filter

import (
	"errors"
	"strings"
	"testing"
)

// FuzzResourcePattern: a pattern either fails with a *FlagError or parses
// to a pattern whose printed form parses back to the same pattern, and
// matches like the test's model.
func FuzzResourcePattern(f *testing.F) {
	for _, s := range []string{"pods", "*.*", ".", "-tokenreviews.", "deployments.apps", "*.config.openshift.io", "-*.apps", "", "-", "a*b.c", "x..y"} {
		f.Add(s, "/apis/apps/v1/namespaces/ns/deployments/d")
	}
	f.Fuzz(func(t *testing.T, s, uri string) {
		p, err := parseResourcePattern(s)
		if err != nil {
			var fe *FlagError
			if !errors.As(err, &fe) || fe.Value != s {
				t.Fatalf("parse %q: error %v is not a FlagError naming the value", s, err)
			}
			return
		}
		q, err := parseResourcePattern(p.String())
		if err != nil || q != p {
			t.Fatalf("%q printed as %q parses to %+v, %v; want %+v", s, p.String(), q, err, p)
		}
		r := refParse(uri)
		e := ev(uri)
		flt, _ := Resources(s)
		if got, want := flt.Match(e), refResource([]string{s}, r); got != want && r == refParseViaAuditlog(e.Request()) {
			t.Fatalf("%q on %q = %v, model %v", s, uri, got, want)
		}
	})
}

// FuzzAcceptList checks the accept list against the model in the
// differential test, for up to three comma-separated values.
func FuzzAcceptList(f *testing.F) {
	for _, c := range [][2]string{{"get,list", "get"}, {"-get", "list"}, {"system:*,-system:apiserver", "system:apiserver"}, {"*", ""}, {"-*", "x"}, {"-,x", ""}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, values, s string) {
		vs := strings.Split(values, ",")
		if len(vs) > 3 {
			vs = vs[:3]
		}
		l := newAcceptList(vs)
		if got, want := l.match(s), refAccept(vs, s); got != want {
			t.Fatalf("accept(%q, %q) = %v, model %v", vs, s, got, want)
		}
	})
}

// FuzzAnnotationSpec: a spec fails with a *FlagError or parses into a key
// that holds no "=" or "~" and an operator that matches the spec.
func FuzzAnnotationSpec(f *testing.F) {
	for _, s := range []string{"a", "a=b", "a~^b+$", "=x", "a~(", "k=v=w", "k~a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseAnnotationSpec(s)
		if err != nil {
			var fe *FlagError
			if !errors.As(err, &fe) || fe.Flag != "annotation" || fe.Value != s {
				t.Fatalf("parse %q: error %v is not a FlagError naming the value", s, err)
			}
			return
		}
		if m.key == "" || strings.ContainsAny(m.key, "=~") {
			t.Fatalf("parse %q: key %q", s, m.key)
		}
		rebuilt := m.key
		if m.op != 0 {
			rebuilt += string(m.op) + m.value
		}
		if rebuilt != s {
			t.Fatalf("parse %q: rebuilt as %q", s, rebuilt)
		}
		if m.op == 0 && !m.match(map[string]string{m.key: "anything"}) {
			t.Fatalf("%q: present key does not match", s)
		}
		if m.op == '=' && !m.match(map[string]string{m.key: m.value}) {
			t.Fatalf("%q: equal value does not match", s)
		}
	})
}

// FuzzTimeSpec: a spec fails with a *FlagError or parses to a spec whose
// printed form parses to the same time.
func FuzzTimeSpec(f *testing.F) {
	for _, s := range []string{"+10m", "+1h30m", "2022-02-07T17:15:16-05:00", "2022-02-07T22:15:16.123456Z", "+-1s", "10m", "", "+", "-10m", "2022-02-07", "2022-02-07 22:15", "2022-02-07T22:15:16.5", "--1s", "-+1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseTimeSpec("since", s)
		if err != nil {
			var fe *FlagError
			if !errors.As(err, &fe) || fe.Flag != "since" || fe.Value != s {
				t.Fatalf("parse %q: error %v is not a FlagError naming the value", s, err)
			}
			return
		}
		again, err := ParseTimeSpec("since", spec.String())
		if err != nil {
			t.Fatalf("%q printed as %q: %v", s, spec, err)
		}
		if spec.Anchor != again.Anchor || spec.Offset != again.Offset || !spec.Time.Equal(again.Time) {
			t.Fatalf("%q printed as %q parses to %+v, want %+v", s, spec, again, spec)
		}
	})
}

// FuzzSplitValues: splitting never fails on a value without quotes, and
// then gives exactly strings.Split's parts.
func FuzzSplitValues(f *testing.F) {
	for _, s := range []string{"get,list", "", ",", `"a,b",c`, `a"b`, "a,,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := SplitValues("verb", []string{s})
		if strings.ContainsAny(s, "\"\r\n") {
			return // CSV quoting and line ends: any answer but a panic
		}
		if err != nil {
			t.Fatalf("SplitValues(%q): %v", s, err)
		}
		var want []string
		if s != "" {
			want = strings.Split(s, ",")
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Fatalf("SplitValues(%q) = %q, want %q", s, got, want)
		}
	})
}
