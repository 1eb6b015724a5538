package filter

import (
	"regexp"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// Annotations returns a filter that keeps events whose annotations satisfy
// any of the specs (repeat the flag, or And several filters, for all):
//
//   - "KEY": the annotation is present;
//   - "KEY=VALUE": it is present with exactly that value;
//   - "KEY~REGEXP": it is present and its value matches the Go regular
//     expression (unanchored).
//
// The key ends at the first "=" or "~" (annotation keys hold neither). An
// empty key or a bad regular expression is an error. It prints as one
// --annotation flag per spec, since values may hold commas.
func Annotations(specs ...string) (Filter, error) {
	f := &annotationFilter{}
	for _, s := range dedup(specs) {
		m, err := parseAnnotationSpec(s)
		if err != nil {
			return nil, err
		}
		f.specs = append(f.specs, m)
	}
	return f, nil
}

// annotationSpec is one parsed --annotation value.
type annotationSpec struct {
	spec  string // as given
	key   string
	op    byte // 0 (present), '=' or '~'
	value string
	re    *regexp.Regexp
}

func parseAnnotationSpec(s string) (annotationSpec, error) {
	m := annotationSpec{spec: s, key: s}
	if i := strings.IndexAny(s, "=~"); i >= 0 {
		m.key, m.op, m.value = s[:i], s[i], s[i+1:]
	}
	if m.key == "" {
		return m, &FlagError{Flag: "annotation", Value: s, Expected: "KEY, KEY=VALUE or KEY~REGEXP with a non-empty KEY"}
	}
	if m.op == '~' {
		re, err := regexp.Compile(m.value)
		if err != nil {
			return m, &FlagError{Flag: "annotation", Value: s, Expected: "KEY~REGEXP with a Go regular expression", Err: err}
		}
		m.re = re
	}
	return m, nil
}

func (m *annotationSpec) match(annotations map[string]string) bool {
	v, ok := annotations[m.key]
	switch {
	case !ok:
		return false
	case m.op == '=':
		return v == m.value
	case m.op == '~':
		return m.re.MatchString(v)
	}
	return true
}

type annotationFilter struct{ specs []annotationSpec }

func (f *annotationFilter) Match(e *auditlog.Entry) bool {
	for i := range f.specs {
		if f.specs[i].match(e.Event.Annotations) {
			return true
		}
	}
	return false
}

func (f *annotationFilter) Fields() auditlog.Fields { return auditlog.FieldAnnotations }

func (f *annotationFilter) String() string {
	parts := make([]string, len(f.specs))
	for i, m := range f.specs {
		parts[i] = "--annotation=" + m.spec
	}
	return strings.Join(parts, " ")
}
