package mustgather

import (
	"strconv"
	"time"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// safeByte marks the ASCII bytes encoding/json writes as they are inside a
// string (it escapes ", \, control characters and, for HTML safety, <, >, &).
var safeByte = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string, escaped exactly as
// encoding/json.Marshal escapes it (HTML-safe, \u2028 and \u2029 escaped,
// invalid UTF-8 as \ufffd), so that a decoded and re-encoded line is
// byte-identical.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONInner(b, s)
	return append(b, '"')
}

// appendJSONInner appends s escaped as in appendJSONString, without the
// quotes.
func appendJSONInner(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeByte[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// appendMicroTime appends t in UTC as a quoted RFC3339 time with exactly six
// fractional digits, as metav1.MicroTime marshals it.
func appendMicroTime(b []byte, unixMicro int64) []byte {
	b = append(b, '"')
	b = appendTime(b, unixMicro, "2006-01-02T15:04:05.000000Z07:00")
	return append(b, '"')
}

func appendTime(b []byte, unixMicro int64, layout string) []byte {
	return time.UnixMicro(unixMicro).UTC().AppendFormat(b, layout)
}

// appendSeconds appends a whole number of seconds as time.Duration.String
// formats it (7m3s, 45s, 1h0m0s).
func appendSeconds(b []byte, s int64) []byte {
	if s >= 3600 {
		b = strconv.AppendInt(b, s/3600, 10)
		b = append(b, 'h')
		s %= 3600
		b = strconv.AppendInt(b, s/60, 10)
		b = append(b, 'm')
		s %= 60
	} else if s >= 60 {
		b = strconv.AppendInt(b, s/60, 10)
		b = append(b, 'm')
		s %= 60
	}
	b = strconv.AppendInt(b, s, 10)
	return append(b, 's')
}

// appendUUID appends a random (version 4) UUID made of hi and lo.
func appendUUID(b []byte, hi, lo uint64) []byte {
	hi = hi&^0xF000 | 0x4000     // version 4
	lo = lo&^(0xC<<60) | 0x8<<60 // RFC 4122 variant
	b = appendHex(b, hi>>32, 8)  // time_low
	b = append(b, '-')
	b = appendHex(b, hi>>16&0xFFFF, 4)
	b = append(b, '-')
	b = appendHex(b, hi&0xFFFF, 4)
	b = append(b, '-')
	b = appendHex(b, lo>>48, 4)
	b = append(b, '-')
	return appendHex(b, lo&0xFFFFFFFFFFFF, 12)
}

func appendHex(b []byte, v uint64, digits int) []byte {
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[v>>(4*uint(i))&0xF])
	}
	return b
}
