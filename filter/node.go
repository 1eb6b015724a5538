package filter

import "github.com/auditlens/auditlens/auditlog"

// Nodes returns a filter on the node (master) that logged the event
// (Entry.Node: no event field is read), with accept-list values (see the
// package documentation): exact, "prefix*", "-exact", "-prefix*". It
// prints as --node=v1,v2.
func Nodes(values ...string) Filter { return &nodeFilter{list: newAcceptList(values)} }

type nodeFilter struct{ list acceptList }

func (f *nodeFilter) Match(e *auditlog.Entry) bool { return f.list.match(e.Node) }

func (f *nodeFilter) Fields() auditlog.Fields { return 0 }

func (f *nodeFilter) String() string { return f.list.flag("node") }
