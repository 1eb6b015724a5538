package findings

import "strings"

// knownException is traffic that looks like a finding and is not: the
// platform doing its job. Every exception the detectors make is in
// knownExceptions, so that what is left out is said in one place.
type knownException struct {
	// what says what is left out, and why.
	what string
}

// knownExceptions lists what no detector reports, and why:
var knownExceptions = []knownException{
	{"secrets-wide: service accounts of kube-system and openshift-* namespaces (the platform's controllers and operators watch secrets across namespaces by design)"},
}

// isExceptedSecretsReader reports whether user reads secrets across
// namespaces by design (knownExceptions).
func isExceptedSecretsReader(user string) bool {
	ns, ok := serviceAccountNamespace(user)
	return ok && (ns == "kube-system" || strings.HasPrefix(ns, "openshift-"))
}
