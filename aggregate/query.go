package aggregate

import (
	"slices"

	"github.com/auditlens/auditlens/auditlog"
)

// ignoredParams are the query parameters that do not make two requests
// different for grouping: they change from one call of a client to the next.
var ignoredParams = [...]string{"timeout", "timeoutSeconds", "resourceVersion", "continue"}

// appendNormalQuery appends the raw query q without the ignored parameters
// and with its parameters sorted, so that two queries with the same
// parameters in any order give the same bytes. pairs is scratch space,
// returned for reuse. Parameters are compared as written (still escaped).
func appendNormalQuery(dst []byte, q string, pairs []string) ([]byte, []string) {
	pairs = pairs[:0]
	r := auditlog.Request{RawQuery: q}
	at := 0 // where in q the parameter read next is written
	for name, value := range r.QueryParams() {
		var pair string
		pair, at = writtenPair(q, at, name, value)
		if !slices.Contains(ignoredParams[:], name) {
			pairs = append(pairs, pair)
		}
	}
	slices.Sort(pairs)
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p...)
	}
	return dst, pairs
}

// writtenPair returns the parameter name=value as written in the query q,
// the next after offset at that Request.QueryParams yields (it passes over
// empty parameters), with or without its '=', and the offset after it.
func writtenPair(q string, at int, name, value string) (string, int) {
	for at < len(q) && q[at] == '&' {
		at++
	}
	end := at + len(name)
	if end < len(q) && q[end] == '=' {
		end += 1 + len(value)
	}
	return q[at:end], end
}
