package filter

import "github.com/auditlens/auditlens/auditlog"

// Users returns a filter on user.username, the authenticated user (the
// impersonated user is not considered: see ImpersonatedUsers), with
// accept-list values (see the package documentation): exact, "prefix*", "-exact", "-prefix*". It
// prints as --user=v1,v2.
func Users(values ...string) Filter { return &userFilter{list: newAcceptList(values)} }

type userFilter struct{ list acceptList }

func (f *userFilter) Match(e *auditlog.Entry) bool { return f.list.match(e.Event.User.Username) }

func (f *userFilter) Fields() auditlog.Fields { return auditlog.FieldUser }

func (f *userFilter) String() string { return f.list.flag("user") }
