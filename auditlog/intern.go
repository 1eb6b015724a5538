package auditlog

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// The decoder gives the usual values of an event's stage, level and verb
// as the program's own constant strings rather than as bytes of the line:
// whoever reads them later (a listing's writer, after the merge; the
// summary of each entry) reads memory every entry shares, and two of them
// compare equal by their pointers, without reading a byte.

// internStage returns the constant of a known stage, or s.
func internStage(s auditv1.Stage) auditv1.Stage {
	switch s {
	case auditv1.StageResponseComplete:
		return auditv1.StageResponseComplete
	case auditv1.StageResponseStarted:
		return auditv1.StageResponseStarted
	case auditv1.StageRequestReceived:
		return auditv1.StageRequestReceived
	case auditv1.StagePanic:
		return auditv1.StagePanic
	}
	return s
}

// internLevel returns the constant of a known level, or l.
func internLevel(l auditv1.Level) auditv1.Level {
	switch l {
	case auditv1.LevelMetadata:
		return auditv1.LevelMetadata
	case auditv1.LevelRequest:
		return auditv1.LevelRequest
	case auditv1.LevelRequestResponse:
		return auditv1.LevelRequestResponse
	case auditv1.LevelNone:
		return auditv1.LevelNone
	}
	return l
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
