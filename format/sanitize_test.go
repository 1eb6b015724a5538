package format

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"system:serviceaccount:kube-system:default", "system:serviceaccount:kube-system:default"},
		{"/api/v1/nodes/n?x=a b", "/api/v1/nodes/n?x=a b"},
		{"tab\there", `tab\there`},
		{"line\nbreak\r", `line\nbreak\r`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"del\x7f", `del\x7f`},
		{"nul\x00", `nul\x00`},
		{"bad utf8 \xff\xfe", `bad utf8 \xff\xfe`},
		{"c1 csi \u009b31m", `c1 csi \u009b31m`},
		{"rlo \u202etxt.exe", `rlo \u202etxt.exe`},
		{"line sep \u2028", `line sep \u2028`},
		{"zero width \u200b", `zero width \u200b`},
		{"µs café 日本 ✓", "µs café 日本 ✓"},
		{"emoji 😀", "emoji 😀"},
		{"tag \U000E0041", `tag \U000e0041`},
		{`back\slash`, `back\slash`},
	} {
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSanitizeAllocatesOnlyWhenNeeded(t *testing.T) {
	for _, s := range []string{"system:serviceaccount:openshift-monitoring:prometheus-k8s", "274.335µs"} {
		if n := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); n != 0 {
			t.Errorf("Sanitize(%q) allocates %v times, want 0", s, n)
		}
	}
}

// FuzzSanitize checks that the output of Sanitize is valid UTF-8 made of
// printable runes only, that safe input is kept as is, and that Sanitize
// and AppendSanitized agree.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "\xff", "\u009b", "a\tb\nc", "\u202e", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Sanitize(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || !unicode.IsPrint(r) {
				t.Fatalf("Sanitize(%q) = %q holds %U", s, got, r)
			}
		}
		safe := utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !printable(r) })
		if safe && got != s {
			t.Fatalf("Sanitize(%q) = %q changed printable text", s, got)
		}
		if !safe && got == s {
			t.Fatalf("Sanitize(%q) left unsafe text as is", s)
		}
		if a := string(AppendSanitized([]byte("x"), s)); a != "x"+got {
			t.Fatalf("AppendSanitized = %q, Sanitize = %q", a, got)
		}
	})
}
