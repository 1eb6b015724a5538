package aggregate

import (
	"slices"
	"strings"
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
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		if pair == "" {
			continue
		}
		name, _, _ := strings.Cut(pair, "=")
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
