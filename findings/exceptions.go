package findings

import "strings"

// knownExceptions lists, in one place, the traffic that looks like a
// finding and is not, and why. The detectors ask the functions below it;
// an exception added here is a line in this list and a case in one of
// them.
var knownExceptions = []string{
	"API-server self traffic (system:apiserver: its own LISTs and watches over loopback) is not a LIST, churn or loop finding: there is no client to fix (selfTraffic)",
	"the metrics APIs (metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io) are served from memory by aggregated API servers: their LISTs do not reach etcd (servedFromCache)",
	"OpenShift's projects (project.openshift.io) are served by openshift-apiserver from its authorization cache, and packagemanifests (packages.operators.coreos.com) by the package server from its catalogs: their LISTs do not reach etcd (servedFromCache)",
	"secrets-wide: service accounts of kube-system and openshift-* namespaces (the platform's controllers and operators read secrets of other namespaces by design) (isExceptedSecretsReader)",
}

// selfTraffic reports whether user is the API server itself.
func selfTraffic(user string) bool { return user == "system:apiserver" }

// servedFromCache reports whether LISTs of the API group's resource are
// served from memory, never from etcd (knownExceptions).
func servedFromCache(group, resource string) bool {
	switch {
	case metricsAPI(group):
		return true
	case group == "project.openshift.io":
		return resource == "projects"
	case group == "packages.operators.coreos.com":
		return resource == "packagemanifests"
	}
	return false
}

// metricsAPI reports whether group is one of the metrics APIs, which
// aggregated API servers serve from memory (knownExceptions); their LISTs
// are not counted among all LISTs either.
func metricsAPI(group string) bool {
	switch group {
	case "metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io":
		return true
	}
	return false
}

// isExceptedSecretsReader reports whether user reads secrets of other
// namespaces by design (knownExceptions).
func isExceptedSecretsReader(user string) bool {
	ns, ok := serviceAccountNamespace(user)
	return ok && (ns == "kube-system" || strings.HasPrefix(ns, "openshift-"))
}
