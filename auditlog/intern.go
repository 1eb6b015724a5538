package auditlog

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// The decoder gives the usual values of an event's stage, level and verb
// as the program's own constant strings rather than as bytes of the line:
// whoever reads them later (a listing's writer, after the merge; the
// summary of each entry) reads memory every entry shares, and two of them
// compare equal by their pointers, without reading a byte.

// internStage returns the constant of a known stage, or s.
func internStage(s auditv1.Stage) auditv1.Stage {
	return intern(s, auditv1.StageResponseComplete, auditv1.StageResponseStarted, auditv1.StageRequestReceived, auditv1.StagePanic)
}

// internLevel returns the constant of a known level, or l.
func internLevel(l auditv1.Level) auditv1.Level {
	return intern(l, auditv1.LevelMetadata, auditv1.LevelRequest, auditv1.LevelRequestResponse, auditv1.LevelNone)
}

// intern returns the one of known that equals v, or v: a few values, the
// commonest first.
func intern[T ~string](v T, known ...T) T {
	for _, k := range known {
		if v == k {
			return k
		}
	}
	return v
}

// internVerb returns the constant of a known verb (the Kubernetes verbs
// of resource requests; a non-resource request's verb is its HTTP
// method, in lower case), or v.
func internVerb(v string) string {
	switch v {
	case "get":
		return "get"
	case "list":
		return "list"
	case "watch":
		return "watch"
	case "create":
		return "create"
	case "update":
		return "update"
	case "patch":
		return "patch"
	case "delete":
		return "delete"
	case "deletecollection":
		return "deletecollection"
	case "post":
		return "post"
	case "put":
		return "put"
	case "head":
		return "head"
	case "options":
		return "options"
	case "proxy":
		return "proxy"
	}
	return v
}
