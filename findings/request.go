package findings

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// appendFoldedPath appends the request's path with its variable parts
// folded: the namespace as {namespace} and the object's name as {name}
// (/api/v1/namespaces/{namespace}/pods/{name}/log,
// /api/v1/nodes/{name}/proxy/metrics). A non-resource path is appended as
// it is.
func appendFoldedPath(dst []byte, r *auditlog.Request) []byte {
	if r.Resource == "" {
		return append(dst, r.Path...)
	}
	dst = appendGroupVersionPrefix(dst, r)
	if r.Resource == "namespaces" && r.Name != "" {
		dst = append(dst, "/namespaces/{name}"...)
	} else {
		if r.Namespace != "" {
			dst = append(dst, "/namespaces/{namespace}"...)
		}
		dst = append(dst, '/')
		dst = append(dst, r.Resource...)
		if r.Name != "" {
			dst = append(dst, "/{name}"...)
		}
	}
	if r.SubresourcePath != "" {
		dst = append(dst, '/')
		dst = append(dst, r.SubresourcePath...)
	}
	return dst
}

// appendGroupVersionPrefix appends /api/VERSION or /apis/GROUP/VERSION.
func appendGroupVersionPrefix(dst []byte, r *auditlog.Request) []byte {
	if r.APIGroup == "" {
		dst = append(dst, "/api/"...)
	} else {
		dst = append(dst, "/apis/"...)
		dst = append(dst, r.APIGroup...)
		dst = append(dst, '/')
	}
	return append(dst, r.APIVersion...)
}

// appendResource appends the resource as --by=resource names it:
// v1/RESOURCE for the core group, GROUP/VERSION/RESOURCE for the others.
func appendResource(dst []byte, r *auditlog.Request) []byte {
	if r.APIGroup != "" {
		dst = append(dst, r.APIGroup...)
		dst = append(dst, '/')
	}
	dst = append(dst, r.APIVersion...)
	dst = append(dst, '/')
	return append(dst, r.Resource...)
}

// resourceFlag is the --resource value that selects a resource given as
// v1/RESOURCE or GROUP/VERSION/RESOURCE: RESOURCE for the core group,
// RESOURCE.GROUP for the others.
func resourceFlag(key string) string {
	parts := strings.Split(key, "/")
	switch len(parts) {
	case 2:
		return parts[1]
	case 3:
		return parts[2] + "." + parts[0]
	}
	return key
}

// builtinGroups are the API groups Kubernetes serves itself, besides the
// core group and the groups ending in .k8s.io.
var builtinGroups = []string{"apps", "batch", "autoscaling", "policy", "extensions"}

// heavyResource reports whether a list of the resource (given as
// --by=resource names it) is expensive to serve: pods, secrets,
// configmaps, events and custom resources (any group Kubernetes does not
// serve itself) hold the most objects, and the biggest ones, in most
// clusters.
func heavyResource(key string) bool {
	parts := strings.Split(key, "/")
	res := parts[len(parts)-1]
	group := ""
	if len(parts) == 3 {
		group = parts[0]
	}
	switch {
	case group == "" || group == "events.k8s.io":
		return res == "pods" || res == "secrets" || res == "configmaps" || res == "events"
	case strings.HasSuffix(group, ".k8s.io"):
		return false
	}
	for _, g := range builtinGroups {
		if g == group {
			return false
		}
	}
	return true
}
