package format

import (
	"unicode"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Sanitize returns s made safe to print on a terminal: every byte or rune
// that is not printable is replaced by a Go-style escape. Tab, newline and
// carriage return become \t, \n and \r; other ASCII control characters
// (ESC, which starts terminal escape sequences, among them), DEL and bytes
// that are not valid UTF-8 become \xHH; non-printable runes (C1 controls
// such as U+009B, which some terminals take for ESC [, line and paragraph
// separators, bidirectional overrides, zero-width characters) become \uHHHH.
// Printable text, the space included, is kept as is, and so is the
// backslash: a printed "\x1b" may be four characters of the original.
//
// Sanitize allocates only when s needs escaping.
func Sanitize(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			if safeFrom(s, i) {
				return s
			}
			return string(AppendSanitized(make([]byte, 0, len(s)+8), s))
		}
	}
	return s
}

// safeFrom reports whether s[i:] holds only printable runes.
func safeFrom(s string, i int) bool {
	for _, r := range s[i:] {
		if !printable(r) {
			return false
		}
	}
	return utf8.ValidString(s[i:])
}

// printable reports whether r is kept as is.
func printable(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r < 0x7f
	}
	return r != utf8.RuneError && unicode.IsPrint(r)
}

// AppendSanitized appends Sanitize(s) to dst and returns the extended
// slice.
func AppendSanitized(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '\t':
				dst = append(dst, '\\', 't')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			default:
				dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		case !printable(r):
			dst = appendRuneEscape(dst, r)
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// appendRuneEscape appends \uHHHH, or \UHHHHHHHH for runes beyond the
// basic multilingual plane.
func appendRuneEscape(dst []byte, r rune) []byte {
	digits := 4
	dst = append(dst, '\\', 'u')
	if r > 0xffff {
		digits = 8
		dst[len(dst)-1] = 'U'
	}
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[(r>>uint(shift))&0xf])
	}
	return dst
}
