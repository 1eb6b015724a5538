package aggregate

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// appendQueryValue appends the first value of the query parameter key of r,
// unescaped, as r.QueryValue(key) returns it, but without allocating when
// the value is escaped.
func appendQueryValue(dst []byte, r *auditlog.Request, key string) ([]byte, bool) {
	q := r.RawQuery
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		k, v, _ := strings.Cut(pair, "=")
		if k != key {
			if strings.ContainsAny(k, "%+") {
				// An escaped name: rare; let the Request decide.
				v, ok := r.QueryValue(key)
				return append(dst, v...), ok
			}
			continue
		}
		return appendUnescaped(dst, v), true
	}
	return dst, false
}

// appendUnescaped appends the query-unescaped v ('+' is a space, %XX a
// byte), or v as it is when it holds a malformed escape.
func appendUnescaped(dst []byte, v string) []byte {
	if !strings.ContainsAny(v, "%+") {
		return append(dst, v...)
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && (i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2])) {
			return append(dst, v...)
		}
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			dst = append(dst, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
