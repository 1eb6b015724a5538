package format

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// TestJSONSafe: C1 controls and bidirectional overrides and isolates are
// escaped, nothing else changes, and the JSON decodes to the same text.
func TestJSONSafe(t *testing.T) {
	var in []rune
	for r := rune(0x70); r <= 0xA0; r++ {
		in = append(in, r)
	}
	for r := rune(0x2020); r <= 0x2070; r++ {
		in = append(in, r)
	}
	in = append(in, 'é', '€', 0x1F600, 0xC2, 0xE2)
	s := string(in) + "\xc2\xe2\x80" // and invalid UTF-8, as encoding/json replaces it
	var buf bytes.Buffer
	if err := json.NewEncoder(&jsonSafe{w: &buf}).Encode(s); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r >= 0x80 && r <= 0x9F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("%U left raw at byte %d", r, i)
		}
		i += n
	}
	for _, esc := range []string{`\u0080`, `\u009b`, `\u009f`, `\u202a`, `\u202e`, `\u2066`, `\u2069`} {
		if !bytes.Contains(out, []byte(esc)) {
			t.Errorf("%s not in %s", esc, out)
		}
	}
	for _, kept := range []string{"\u00a0", "\u2029", "\u2065", "\u206a", "é", "€", "😀"} {
		if bytes.Contains(out, []byte(kept)) != (kept != "\u2029") { // encoding/json escapes U+2029 itself
			t.Errorf("%q changed", kept)
		}
	}
	var back string
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	var want string
	json.Unmarshal(mustMarshal(t, s), &want)
	if back != want {
		t.Errorf("decodes to %q, want %q", back, want)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
