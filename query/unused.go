package query

import "fmt"

// viewFlag is a flag that only some views read: its name, whether the
// query gives it, and whether a view reads it.
type viewFlag struct {
	name  string
	given func(q Query) bool
	uses  func(s *spec) bool
}

// viewFlags are the flags of the views, as the registry says which
// views read them.
var viewFlags = []viewFlag{
	{"by", func(q Query) bool { return q.By != "" }, func(s *spec) bool { return s.usesBy || s.needsBy }},
	{"sort", func(q Query) bool { return q.Sort != "" }, func(s *spec) bool { return s.usesSort }},
	{"window", func(q Query) bool { return q.Window != "" }, func(s *spec) bool { return s.usesWindow }},
	{"bucket", func(q Query) bool { return q.Bucket != "" }, func(s *spec) bool { return s.usesBucket }},
}

// unusedFlags returns a warning for each flag of q that view v does not
// read, naming the views that do: the flag is ignored, as the reference
// tool ignores it, so that scripts that pass it keep working.
func unusedFlags(q Query, v view) []string {
	var warnings []string
	for _, f := range viewFlags {
		if !f.given(q) || f.uses(v.spec) {
			continue
		}
		why := ""
		if f.name == "by" && v.refusesBy != "" {
			why = ", " + v.refusesBy
		}
		warnings = append(warnings, fmt.Sprintf("warning: --%s is ignored by %s%s; it is read by -o %s", f.name, viewName(v.spec), why, viewsWith(f.uses)))
	}
	return warnings
}

// viewName names a view in a message: "-o stats", or "the event listing"
// without -o.
func viewName(s *spec) string {
	if s.name == "" {
		return "the event listing (no -o)"
	}
	return "-o " + s.name
}
