package filter

import "github.com/auditlens/auditlens/auditlog"

// Subresources returns a filter on the subresource parsed from the
// requestURI, with accept-list values (see the package documentation).
//
// A value is matched against both the subresource (the first path segment
// after the name, as in objectRef.subresource: "proxy") and the whole path
// after the name ("proxy/metrics"), so that --subresource=proxy/metrics works
// as in the reference tool, which only knew the whole path. An exclusion that
// matches either rejects the request.
//
// "-*" given alone means "only requests with no subresource", as in the
// reference tool. Unlike the reference, cluster-scoped requests have their
// subresource parsed too (/api/v1/nodes/N/proxy/metrics has subresource
// proxy), its defect 10. It prints as --subresource=v1,v2.
func Subresources(values ...string) Filter {
	l := newAcceptList(values)
	none := len(l.values) == 1 && l.values[0] == "-*"
	return &subresourceFilter{list: l, onlyNone: none}
}

type subresourceFilter struct {
	list     acceptList
	onlyNone bool
}

func (f *subresourceFilter) Match(e *auditlog.Entry) bool {
	r := e.Request()
	if f.onlyNone {
		return r.Subresource == ""
	}
	if f.list.excluded(r.Subresource) || f.list.excluded(r.SubresourcePath) {
		return false
	}
	return f.list.allNegative || f.list.included(r.Subresource) || f.list.included(r.SubresourcePath)
}

func (f *subresourceFilter) Fields() auditlog.Fields { return auditlog.FieldRequestURI }

func (f *subresourceFilter) String() string { return f.list.flag("subresource") }
