package filter

import "github.com/auditlens/auditlens/auditlog"

// LongRunning returns a filter that keeps long-running requests, whose
// latency says nothing about the API server's health: watches (verb watch,
// or ?watch=true / ?watch=1), exec, attach, port-forward and proxy
// subresources, the old proxy verb, and log requests with ?follow=true.
// It prints as --long-running.
func LongRunning() Filter { return longRunningFilter{} }

type longRunningFilter struct{}

func (longRunningFilter) Match(e *auditlog.Entry) bool {
	switch e.Event.Verb {
	case "watch", "proxy":
		return true
	}
	r := e.Request()
	switch r.Subresource {
	case "exec", "attach", "portforward", "proxy":
		return r.Resource != ""
	case "log":
		return isTrue(r.QueryValue("follow"))
	}
	return isTrue(r.QueryValue("watch"))
}

// isTrue reports whether a boolean query parameter is set, as the API
// server parses it.
func isTrue(v string, ok bool) bool {
	return ok && (v == "true" || v == "1")
}

func (longRunningFilter) Fields() auditlog.Fields {
	return auditlog.FieldVerb | auditlog.FieldRequestURI
}

func (longRunningFilter) String() string { return "--long-running" }
