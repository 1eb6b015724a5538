package filter

import "github.com/auditlens/auditlens/auditlog"

// ImpersonatedUsers returns a filter on impersonatedUser.username, with
// accept-list values (see the package documentation). A request without
// impersonation has the impersonated user "", so `-name` keeps it and a
// positive value drops it. It prints as --impersonated-user=v1,v2.
func ImpersonatedUsers(values ...string) Filter {
	return &impersonatedFilter{list: newAcceptList(values)}
}

type impersonatedFilter struct{ list acceptList }

func (f *impersonatedFilter) Match(e *auditlog.Entry) bool {
	var name string
	if u := e.Event.ImpersonatedUser; u != nil {
		name = u.Username
	}
	return f.list.match(name)
}

func (f *impersonatedFilter) Fields() auditlog.Fields { return auditlog.FieldImpersonatedUser }

func (f *impersonatedFilter) String() string { return f.list.flag("impersonated-user") }
