package filter

import "github.com/auditlens/auditlens/auditlog"

// Groups returns a filter on the groups of the authenticated user
// (user.groups), with accept-list values (see the package documentation):
// `--group=system:serviceaccounts:openshift-*` keeps every service account
// of an openshift- namespace. A request is rejected when any of its groups is
// excluded, kept when every value is an exclusion, and otherwise kept when any
// of its groups is accepted. It prints as --group=v1,v2.
func Groups(values ...string) Filter { return &groupFilter{list: newAcceptList(values)} }

type groupFilter struct{ list acceptList }

func (f *groupFilter) Match(e *auditlog.Entry) bool { return f.list.matchAny(e.Event.User.Groups) }

func (f *groupFilter) Fields() auditlog.Fields { return auditlog.FieldUserGroups }

func (f *groupFilter) String() string { return f.list.flag("group") }
