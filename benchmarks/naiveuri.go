package main

import "strings"

// naiveURI is what the naive baseline reads from a requestURI.
type naiveURI struct {
	group, version, resource, namespace, name string
}

// naiveParseURI splits a requestURI's path at every slash, the way the
// reference does: /api/VERSION/... is the core group, /apis/GROUP/VERSION/...
// a named group, an optional "watch" segment follows the version, then
// [namespaces/NS/]RESOURCE/NAME/...; /api/v1/namespaces/NS (and its status
// and finalize) is the namespace itself. It is written apart from
// auditlog.ParseRequestURI on purpose, so that the harness checks one
// against the other.
func naiveParseURI(uri string) naiveURI {
	var u naiveURI
	path, _, _ := strings.Cut(uri, "?")
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var rest []string
	switch {
	case len(parts) >= 2 && parts[0] == "api" && parts[1] != "":
		u.version, rest = parts[1], parts[2:]
	case len(parts) >= 3 && parts[0] == "apis" && parts[2] != "":
		u.group, u.version, rest = parts[1], parts[2], parts[3:]
	default:
		return u
	}
	if len(rest) > 0 && rest[0] == "watch" {
		rest = rest[1:]
	}
	if len(rest) >= 2 && rest[0] == "namespaces" && rest[1] != "" {
		u.namespace = rest[1]
		if len(rest) > 2 && rest[2] != "" && rest[2] != "status" && rest[2] != "finalize" {
			rest = rest[2:]
		}
	}
	if len(rest) > 0 {
		u.resource = rest[0]
	}
	if len(rest) > 1 {
		u.name = rest[1]
	}
	return u
}
