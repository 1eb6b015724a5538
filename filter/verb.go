package filter

import "github.com/auditlens/auditlens/auditlog"

// Verbs returns a filter on the event's verb, with accept-list values (see the
// package documentation): exact, "prefix*", "-exact", "-prefix*". It
// prints as --verb=v1,v2.
func Verbs(values ...string) Filter { return &verbFilter{list: newAcceptList(values)} }

type verbFilter struct{ list acceptList }

func (f *verbFilter) Match(e *auditlog.Entry) bool { return f.list.match(e.Event.Verb) }

func (f *verbFilter) Fields() auditlog.Fields { return auditlog.FieldVerb }

func (f *verbFilter) String() string { return f.list.flag("verb") }
