package filter

import "github.com/auditlens/auditlens/auditlog"

// Names returns a filter on the object's name, with accept-list values (see
// the package documentation). As in the reference tool, the name parsed from
// the requestURI is tried first and, if it is not accepted, objectRef.name:
// so a create (whose URI has no name) is found by the name of the object it
// created. It prints as --name=v1,v2.
func Names(values ...string) Filter { return &nameFilter{list: newAcceptList(values)} }

type nameFilter struct{ list acceptList }

func (f *nameFilter) Match(e *auditlog.Entry) bool {
	if f.list.match(e.Request().Name) {
		return true
	}
	ref := e.Event.ObjectRef
	return ref != nil && f.list.match(ref.Name)
}

func (f *nameFilter) Fields() auditlog.Fields {
	return auditlog.FieldRequestURI | auditlog.FieldObjectRef
}

func (f *nameFilter) String() string { return f.list.flag("name") }
