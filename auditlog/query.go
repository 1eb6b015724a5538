package auditlog

import (
	"iter"
	"net/url"
	"strings"
)

// QueryParams are the parameters of the request's query string, in order:
// the name and value of each as written, still escaped, both substrings of
// RawQuery, so that iterating allocates nothing. A parameter without '='
// has the value ""; empty parameters (a&&b) are passed over, as
// net/url.ParseQuery does. [QueryUnescape] unescapes a name or a value;
// [Request.QueryValue] finds one parameter's.
func (r *Request) QueryParams() iter.Seq2[string, string] {
	raw := r.RawQuery
	return func(yield func(name, value string) bool) {
		for q := raw; q != ""; {
			var pair string
			pair, q, _ = strings.Cut(q, "&")
			if pair == "" {
				continue
			}
			name, value, _ := strings.Cut(pair, "=")
			if !yield(name, value) {
				return
			}
		}
	}
}

// QueryValue returns the first value of the query parameter key, unescaped,
// and whether the parameter is present. A parameter's name may be escaped.
// It allocates only when the value is escaped.
func (r *Request) QueryValue(key string) (string, bool) {
	for name, value := range r.QueryParams() {
		if name == key || isEscaped(name) && QueryUnescape(name) == key {
			return QueryUnescape(value), true
		}
	}
	return "", false
}

// QueryUnescape returns s, a name or a value of a query string, unescaped
// (%XX, and + for a space), or as it is written when an escape in it is
// malformed. It allocates only when s holds an escape.
func QueryUnescape(s string) string {
	if isEscaped(s) {
		if u, err := url.QueryUnescape(s); err == nil {
			return u
		}
	}
	return s
}

// isEscaped reports whether s, a piece of a query string, holds an escape.
func isEscaped(s string) bool { return strings.ContainsAny(s, "%+") }
