package filter

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// serverNames are the API servers whose audit logs a must-gather holds.
var serverNames = []string{
	string(auditlog.ServerKube), string(auditlog.ServerOpenShift),
	string(auditlog.ServerOAuthAPI), string(auditlog.ServerOAuth),
}

// Servers returns a filter that keeps events logged by any of the API
// servers: kube-apiserver, openshift-apiserver, oauth-apiserver,
// oauth-server, as told by the must-gather folder of the event's source
// (Source.Server). Events from a source outside such a folder never match.
// An unknown server name is an error. It reads no event field. It prints as
// --server=s1,s2.
func Servers(names ...string) (Filter, error) {
	names = dedup(names)
	for _, n := range names {
		if !contains(serverNames, n) {
			return nil, &FlagError{Flag: "server", Value: n, Expected: "one of " + strings.Join(serverNames, ", ")}
		}
	}
	return &serverFilter{names: names}, nil
}

type serverFilter struct{ names []string }

func (f *serverFilter) Match(e *auditlog.Entry) bool {
	return e.Source != nil && contains(f.names, string(e.Source.Server))
}

func (f *serverFilter) Fields() auditlog.Fields { return 0 }

func (f *serverFilter) String() string { return "--server=" + strings.Join(f.names, ",") }
