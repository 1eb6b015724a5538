package filter

import "github.com/auditlens/auditlens/auditlog"

// LongRunning returns a filter that keeps long-running requests, whose
// latency says nothing about the API server's health
// (auditlog.Entry.LongRunning): watches (verb watch, or ?watch=true /
// ?watch=1), exec, attach, port-forward and proxy subresources, the old
// proxy verb, and log requests with ?follow=true. It prints as
// --long-running.
func LongRunning() Filter { return longRunningFilter{} }

type longRunningFilter struct{}

func (longRunningFilter) Match(e *auditlog.Entry) bool { return e.LongRunning() }

func (longRunningFilter) Fields() auditlog.Fields { return auditlog.FieldsLongRunning }

func (longRunningFilter) String() string { return "--long-running" }
