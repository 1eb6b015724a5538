package filter

import "github.com/auditlens/auditlens/auditlog"

// Filter is a predicate over audit entries.
//
// Match must not keep the entry or anything in it after it returns, and must
// not allocate (the filters of Where are the exception: CEL values are
// interfaces, a few of which are allocated per event). Filters are safe for concurrent use by many goroutines: they
// hold no per-call state.
type Filter interface {
	// Match reports whether the entry is kept.
	Match(e *auditlog.Entry) bool
	// Fields is the set of event fields Match reads. Anything that uses
	// e.Request() reads auditlog.FieldRequestURI.
	Fields() auditlog.Fields
	// String prints the filter back in flag syntax, e.g. `--verb=get,list`.
	String() string
}
