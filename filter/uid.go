package filter

import "github.com/auditlens/auditlens/auditlog"

// UIDs returns a filter on the event's auditID, with accept-list values (see the
// package documentation): exact, "prefix*", "-exact", "-prefix*". It
// prints as --uid=v1,v2.
func UIDs(values ...string) Filter { return &uidFilter{list: newAcceptList(values)} }

type uidFilter struct{ list acceptList }

func (f *uidFilter) Match(e *auditlog.Entry) bool { return f.list.match(string(e.Event.AuditID)) }

func (f *uidFilter) Fields() auditlog.Fields { return auditlog.FieldAuditID }

func (f *uidFilter) String() string { return f.list.flag("uid") }
