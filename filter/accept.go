package filter

import "strings"

// acceptList is a list of "accept" values, precomputed for matching
// without allocation:
//
//   - "exact" accepts exactly that string;
//   - "prefix*" accepts every string that starts with prefix ("*" accepts all);
//   - "-exact" rejects exactly that string;
//   - "-prefix*" rejects every string that starts with prefix ("-*" rejects all).
//
// A string is rejected if any exclusion matches it; accepted if every value
// is an exclusion; otherwise accepted if an exact or prefix value matches.
// This is the reference tool's AcceptString, minus one quirk: a value that
// starts with "-" is only ever an exclusion, never also an exact value.
type acceptList struct {
	values      []string // as given, deduplicated, for printing
	exact       set
	prefixes    []string
	exclExact   set
	exclPrefix  []string
	allNegative bool
}

// newAcceptList builds an accept list. Values are used as given: no
// trimming, no comma splitting.
func newAcceptList(values []string) acceptList {
	var l acceptList
	l.allNegative = true
	var exact, excl []string
	for _, v := range dedup(values) {
		l.values = append(l.values, v)
		neg := strings.HasPrefix(v, "-")
		if neg {
			v = v[1:]
		} else {
			l.allNegative = false
		}
		p, isPrefix := strings.CutSuffix(v, "*")
		switch {
		case neg && isPrefix:
			l.exclPrefix = append(l.exclPrefix, p)
		case neg:
			excl = append(excl, v)
		case isPrefix:
			l.prefixes = append(l.prefixes, p)
		default:
			exact = append(exact, v)
		}
	}
	l.exact = newSet(exact)
	l.exclExact = newSet(excl)
	return l
}

// match reports whether s is accepted.
func (l *acceptList) match(s string) bool {
	if l.excluded(s) {
		return false
	}
	return l.allNegative || l.included(s)
}

// matchAny reports whether any of ss is accepted, none being excluded: a
// list of strings (a user's groups) is rejected if any of them is excluded,
// accepted if every value is an exclusion, and otherwise accepted if any of
// them is included.
func (l *acceptList) matchAny(ss []string) bool {
	for _, s := range ss {
		if l.excluded(s) {
			return false
		}
	}
	if l.allNegative {
		return true
	}
	for _, s := range ss {
		if l.included(s) {
			return true
		}
	}
	return false
}

func (l *acceptList) excluded(s string) bool {
	if l.exclExact.has(s) {
		return true
	}
	for _, p := range l.exclPrefix {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func (l *acceptList) included(s string) bool {
	if l.exact.has(s) {
		return true
	}
	for _, p := range l.prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// flag prints the list as --name=v1,v2.
func (l *acceptList) flag(name string) string {
	return "--" + name + "=" + strings.Join(l.values, ",")
}

// dedup returns values without repeats, in first-seen order.
func dedup(values []string) []string {
	out := make([]string, 0, len(values))
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
