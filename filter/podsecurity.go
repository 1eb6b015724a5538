package filter

import "github.com/auditlens/auditlens/auditlog"

// PodSecurityViolationsAnnotation is the audit annotation Pod Security
// admission adds to requests that violate a namespace's audit level.
const PodSecurityViolationsAnnotation = "pod-security.kubernetes.io/audit-violations"

// PodSecurityViolations returns a filter that keeps requests carrying the
// pod-security.kubernetes.io/audit-violations annotation. Scope "all" keeps
// every such request; "pod" only those whose requestURI resource is pods
// (the others are mostly workload controllers: deployments, jobs...). Any
// other scope is an error. It prints as --podsecurityviolations=SCOPE.
func PodSecurityViolations(scope string) (Filter, error) {
	switch scope {
	case "pod", "all":
		return &podSecurityFilter{podsOnly: scope == "pod"}, nil
	}
	return nil, &FlagError{Flag: "podsecurityviolations", Value: scope, Expected: "pod or all"}
}

type podSecurityFilter struct{ podsOnly bool }

func (f *podSecurityFilter) Match(e *auditlog.Entry) bool {
	if _, ok := e.Event.Annotations[PodSecurityViolationsAnnotation]; !ok {
		return false
	}
	return !f.podsOnly || e.Request().Resource == "pods"
}

func (f *podSecurityFilter) Fields() auditlog.Fields {
	if f.podsOnly {
		return auditlog.FieldAnnotations | auditlog.FieldRequestURI
	}
	return auditlog.FieldAnnotations
}

func (f *podSecurityFilter) String() string {
	if f.podsOnly {
		return "--podsecurityviolations=pod"
	}
	return "--podsecurityviolations=all"
}
