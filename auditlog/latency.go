package auditlog

import "time"

// Latency is how long the request had taken when the event was logged:
// stageTimestamp minus requestReceivedTimestamp. ok is false when either
// is missing (v1beta1 events, GKE entries, a stage not decoded): the
// latency is unknown, which is not 0s.
func (e *Entry) Latency() (d time.Duration, ok bool) {
	ev := e.Event
	if ev.StageTimestamp.IsZero() || ev.RequestReceivedTimestamp.IsZero() {
		return 0, false
	}
	return ev.StageTimestamp.Sub(ev.RequestReceivedTimestamp.Time), true
}

// LongRunning reports whether the request is one the API server keeps
// open, so that its latency says how long a client stayed connected, not
// how fast the server answered: a watch (verb watch, or ?watch=true or
// ?watch=1), an exec, attach, port-forward or proxy subresource, the old
// proxy verb, or a log request with ?follow=true. It reads the verb and
// the request URI (FieldsLongRunning).
func (e *Entry) LongRunning() bool {
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

// FieldsLongRunning are the fields LongRunning reads.
const FieldsLongRunning = FieldVerb | FieldRequestURI

// isTrue reports whether a boolean query parameter is set, as the API
// server parses it.
func isTrue(v string, ok bool) bool {
	return ok && (v == "true" || v == "1")
}
