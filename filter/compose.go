package filter

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// And returns a filter that matches when every one of fs matches, trying
// them in order. An empty And matches everything and prints as "". Nested
// Ands are flattened; its String joins the parts with spaces.
func And(fs ...Filter) Filter {
	var flat []Filter
	for _, f := range fs {
		if a, ok := f.(*andFilter); ok {
			flat = append(flat, a.fs...)
			continue
		}
		flat = append(flat, f)
	}
	if len(flat) == 1 {
		return flat[0]
	}
	return &andFilter{fs: flat}
}

type andFilter struct{ fs []Filter }

func (f *andFilter) Match(e *auditlog.Entry) bool {
	for _, g := range f.fs {
		if !g.Match(e) {
			return false
		}
	}
	return true
}

func (f *andFilter) Fields() auditlog.Fields { return unionFields(f.fs) }

func (f *andFilter) String() string { return joinStrings(f.fs, " ") }

// Or returns a filter that matches when any of fs matches. An empty Or
// matches nothing. It prints as `(A or B)`.
func Or(fs ...Filter) Filter {
	var flat []Filter
	for _, f := range fs {
		if o, ok := f.(*orFilter); ok {
			flat = append(flat, o.fs...)
			continue
		}
		flat = append(flat, f)
	}
	return &orFilter{fs: flat}
}

type orFilter struct{ fs []Filter }

func (f *orFilter) Match(e *auditlog.Entry) bool {
	for _, g := range f.fs {
		if g.Match(e) {
			return true
		}
	}
	return false
}

func (f *orFilter) Fields() auditlog.Fields { return unionFields(f.fs) }

func (f *orFilter) String() string { return "(" + joinStrings(f.fs, " or ") + ")" }

// Not returns a filter that matches when f does not. It prints as `not(A)`.
func Not(f Filter) Filter { return &notFilter{f: f} }

type notFilter struct{ f Filter }

func (f *notFilter) Match(e *auditlog.Entry) bool { return !f.f.Match(e) }

func (f *notFilter) Fields() auditlog.Fields { return f.f.Fields() }

func (f *notFilter) String() string { return "not(" + f.f.String() + ")" }

func unionFields(fs []Filter) auditlog.Fields {
	var u auditlog.Fields
	for _, f := range fs {
		u |= f.Fields()
	}
	return u
}

func joinStrings(fs []Filter, sep string) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, sep)
}
