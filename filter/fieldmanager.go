package filter

import "github.com/auditlens/auditlens/auditlog"

// FieldManagerParam is the query parameter that names a request's field
// manager.
const FieldManagerParam = "fieldManager"

// FieldManagers returns a filter on the fieldManager query parameter of the
// requestURI ("" when there is none), with accept-list values (see the
// package documentation). It allocates only for a URL-escaped field manager.
// It prints as --field-manager=v1,v2.
func FieldManagers(values ...string) Filter {
	return &fieldManagerFilter{list: newAcceptList(values)}
}

type fieldManagerFilter struct{ list acceptList }

func (f *fieldManagerFilter) Match(e *auditlog.Entry) bool {
	v, _ := e.Request().QueryValue(FieldManagerParam)
	return f.list.match(v)
}

func (f *fieldManagerFilter) Fields() auditlog.Fields { return auditlog.FieldRequestURI }

func (f *fieldManagerFilter) String() string { return f.list.flag("field-manager") }
