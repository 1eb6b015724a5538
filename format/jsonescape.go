package format

import "io"

// jsonSafe is a writer for encoding/json's output that also escapes, as
// \u sequences, the characters encoding/json leaves raw that can deceive a
// reader of the JSON text: C1 controls (U+0080 to U+009F: U+009B is a CSI
// to some terminals) and the bidirectional overrides and isolates (U+202A
// to U+202E, U+2066 to U+2069), which reorder what a terminal or an
// editor shows. The JSON means the same: these characters appear only in
// strings, where an escape stands for them.
//
// Each Write must hold whole characters, as json.Encoder's one Write per
// value does.
type jsonSafe struct {
	w   io.Writer
	buf []byte
}

func (j *jsonSafe) Write(p []byte) (int, error) {
	if !needsJSONEscape(p) {
		return j.w.Write(p)
	}
	j.buf = appendJSONEscaped(j.buf[:0], p)
	if _, err := j.w.Write(j.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// needsJSONEscape reports whether p holds a character jsonSafe escapes:
// their UTF-8 encodings start with 0xC2 or 0xE2.
func needsJSONEscape(p []byte) bool {
	for i := 0; i+1 < len(p); i++ {
		if c := p[i]; c == 0xC2 || c == 0xE2 {
			if _, n := jsonEscaped(p[i:]); n > 0 {
				return true
			}
		}
	}
	return false
}

// appendJSONEscaped appends p to dst with the characters jsonSafe escapes
// written as \u escapes.
func appendJSONEscaped(dst, p []byte) []byte {
	for i := 0; i < len(p); {
		if c := p[i]; c == 0xC2 || c == 0xE2 {
			if r, n := jsonEscaped(p[i:]); n > 0 {
				dst = append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
				i += n
				continue
			}
		}
		dst = append(dst, p[i])
		i++
	}
	return dst
}

// jsonEscaped returns the character at the start of p and its length in
// bytes if jsonSafe escapes it, else 0, 0.
func jsonEscaped(p []byte) (rune, int) {
	switch {
	case len(p) >= 2 && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F:
		return rune(p[1]), 2 // U+0080 to U+009F
	case len(p) >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE:
		return 0x2000 | rune(p[2]&0x3F), 3 // U+202A to U+202E
	case len(p) >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9:
		return 0x2040 | rune(p[2]&0x3F), 3 // U+2066 to U+2069
	}
	return 0, 0
}
