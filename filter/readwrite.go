package filter

import "github.com/auditlens/auditlens/auditlog"

// isReadVerb reports whether an audit verb only reads: the resource verbs
// get, list and watch, and the non-resource HTTP verbs get, head and
// options.
func isReadVerb(verb string) bool {
	switch verb {
	case "get", "list", "watch", "head", "options":
		return true
	}
	return false
}

// ReadOnly returns a filter that keeps requests that only read: verbs get,
// list, watch (and head, options for non-resource paths). It prints as
// --read-only.
func ReadOnly() Filter { return readFilter{} }

type readFilter struct{}

func (readFilter) Match(e *auditlog.Entry) bool { return isReadVerb(e.Event.Verb) }

func (readFilter) Fields() auditlog.Fields { return auditlog.FieldVerb }

func (readFilter) String() string { return "--read-only" }

// WriteOnly returns a filter that keeps requests that may change something:
// every verb that is not a read verb (create, update, patch, delete,
// deletecollection, and post, put... for non-resource paths). Events with no
// verb never match. It prints as --write-only.
func WriteOnly() Filter { return writeFilter{} }

type writeFilter struct{}

func (writeFilter) Match(e *auditlog.Entry) bool {
	return e.Event.Verb != "" && !isReadVerb(e.Event.Verb)
}

func (writeFilter) Fields() auditlog.Fields { return auditlog.FieldVerb }

func (writeFilter) String() string { return "--write-only" }
