package auditlog

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuotedKeyMatch checks quotedKey.match against comparing the text's
// start with the key: keys of every length from 0 to 40, texts shorter
// and longer than the 32 bytes match loads, and a text that differs from
// the key in any one byte.
func TestQuotedKeyMatch(t *testing.T) {
	want := func(k quotedKey, text []byte) bool { return bytes.HasPrefix(text, []byte(k.text)) }
	letters := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
	checked := 0
	for n := range 41 {
		k := newQuotedKey(letters[:n])
		for _, tail := range []string{"", `"x"`, strings.Repeat("z", 40)} {
			text := []byte(k.text + tail)
			if got := k.match(text); got != want(k, text) || !got {
				t.Errorf("key %q, text %q: match %v", k.text, text, got)
			}
			for cut := range len(k.text) {
				if k.match(text[:cut]) {
					t.Errorf("key %q matches %q, shorter", k.text, text[:cut])
				}
			}
			for i := range len(k.text) {
				changed := bytes.Clone(text)
				changed[i] ^= 0x20
				if got := k.match(changed); got != want(k, changed) || got {
					t.Errorf("key %q, text %q (byte %d changed): match %v", k.text, changed, i, got)
				}
				checked++
			}
		}
	}
	for _, name := range eventMembers {
		k := newQuotedKey(`"` + name + `":`)
		if !k.match([]byte(`"` + name + `":"value", "and":"more of the line to come"}`)) {
			t.Errorf("%s does not match itself", k.text)
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
