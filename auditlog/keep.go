package auditlog

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// Filter is what Options.Keep takes: a predicate over entries that
// declares the event fields it reads, so that the reader decodes them.
// The filter package's filters are Filters.
type Filter interface {
	// Match reports whether the entry is kept. It is called from several
	// goroutines at once, and must not keep the entry after it returns.
	Match(e *Entry) bool
	// Fields is the set of event fields Match reads.
	Fields() Fields
}

// FilterFunc adapts a function to a Filter. It declares no fields, so
// the reader decodes every field for it: give a Filter of your own to
// decode less.
type FilterFunc func(e *Entry) bool

// Match returns f(e).
func (f FilterFunc) Match(e *Entry) bool { return f(e) }

// Fields is FieldsAll: a function does not say what it reads.
func (f FilterFunc) Fields() Fields { return FieldsAll }

// keeper returns what the decoders ask of each event before handing it
// on: the requests preset (the ResponseComplete stage alone, unless
// EveryStage), then Keep; nil when every event is kept.
func (o Options) keeper() func(e *Entry) bool {
	keep := o.Keep
	switch {
	case o.EveryStage && keep == nil:
		return nil
	case o.EveryStage:
		return keep.Match
	case keep == nil:
		return finalStage
	}
	return func(e *Entry) bool { return finalStage(e) && keep.Match(e) }
}

// finalStage reports whether e is a request's ResponseComplete event.
func finalStage(e *Entry) bool { return e.Event.Stage == auditv1.StageResponseComplete }
