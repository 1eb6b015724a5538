package filter

import "github.com/auditlens/auditlens/auditlog"

// Namespaces returns a filter on the namespace parsed from the requestURI (""
// for cluster-scoped and non-resource requests), with accept-list values (see the
// package documentation): exact, "prefix*", "-exact", "-prefix*". It
// prints as --namespace=v1,v2.
func Namespaces(values ...string) Filter { return &namespaceFilter{list: newAcceptList(values)} }

type namespaceFilter struct{ list acceptList }

func (f *namespaceFilter) Match(e *auditlog.Entry) bool { return f.list.match(e.Request().Namespace) }

func (f *namespaceFilter) Fields() auditlog.Fields { return auditlog.FieldRequestURI }

func (f *namespaceFilter) String() string { return f.list.flag("namespace") }
