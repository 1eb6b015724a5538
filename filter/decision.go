package filter

import "github.com/auditlens/auditlens/auditlog"

// DecisionAnnotation is the audit annotation in which the authorizer
// records its decision: "allow" or "forbid".
const DecisionAnnotation = "authorization.k8s.io/decision"

// Decision returns a filter that keeps requests whose authorization decision
// (the authorization.k8s.io/decision annotation) is d: "allow" or "forbid".
// Requests that never reached the authorizer (unauthenticated ones, for
// instance) have no decision and never match. Any other d is an error. It
// prints as --decision=D.
func Decision(d string) (Filter, error) {
	if d != "allow" && d != "forbid" {
		return nil, &FlagError{Flag: "decision", Value: d, Expected: "allow or forbid"}
	}
	return &decisionFilter{d: d}, nil
}

type decisionFilter struct{ d string }

func (f *decisionFilter) Match(e *auditlog.Entry) bool {
	v, ok := e.Event.Annotations[DecisionAnnotation]
	return ok && v == f.d
}

func (f *decisionFilter) Fields() auditlog.Fields { return auditlog.FieldAnnotations }

func (f *decisionFilter) String() string { return "--decision=" + f.d }
