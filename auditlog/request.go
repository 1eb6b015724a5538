package auditlog

import "strings"

// Request is what a requestURI says about a request: its API group,
// version, resource, namespace, name and subresource, and its query.
//
// The rules follow the Kubernetes API server's own request parsing:
//
//   - the query string is not part of the path;
//   - /api/VERSION/... is the core group (APIGroup ""), /apis/GROUP/VERSION/...
//     a named group; any other path (/healthz, /openapi/v2, /version, /metrics)
//     is a non-resource request with no resource;
//   - a path segment "watch" right after the version is dropped (the old
//     /api/v1/watch/pods form);
//   - namespaces/NS/RESOURCE/NAME/SUB/... gives the namespace, resource, name
//     and subresource; RESOURCE/NAME/SUB/... likewise for cluster-scoped
//     resources (the reference tool missed the subresource there);
//   - /api/v1/namespaces/NS is resource "namespaces" with name NS in
//     namespace NS, and so are its subresources status and finalize;
//   - Subresource is the first segment after the name, as in the event's
//     objectRef; SubresourcePath is everything after the name
//     (proxy/metrics for /api/v1/nodes/N/proxy/metrics).
//
// Every string of a Request is a substring of the URI it was parsed from:
// parsing allocates nothing.
type Request struct {
	// Path is the URI without its query string.
	Path string
	// RawQuery is the query string without the '?', still escaped: QueryParams
	// iterates over its parameters, QueryValue finds one.
	RawQuery string
	// APIGroup is the API group: "" for the core group and for
	// non-resource requests.
	APIGroup string
	// APIVersion is the API version (v1, v1beta1) of a resource request, or
	// of an API discovery request such as /api/v1.
	APIVersion string
	// Resource is the resource (pods, nodes); "" for non-resource requests.
	Resource string
	// Namespace is the namespace; "" for cluster-scoped requests.
	Namespace string
	// Name is the object's name; "" for list, watch and create requests.
	Name string
	// Subresource is the subresource (status, log, proxy, exec), or "".
	Subresource string
	// SubresourcePath is everything after the name, subresource included
	// (proxy/metrics); "" when there is no subresource.
	SubresourcePath string
}

// IsResource reports whether the request is for an API resource, as
// opposed to a non-resource path like /healthz or an API discovery path.
func (r *Request) IsResource() bool { return r.Resource != "" }

// ParseRequestURI parses a requestURI as the API server logs it. It never
// fails: what cannot be recognised is a non-resource request.
func ParseRequestURI(uri string) Request {
	var r Request
	r.Path, r.RawQuery, _ = strings.Cut(uri, "?")
	p := r.Path
	if len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	var head string
	head, p = cutSlash(p)
	switch head {
	case "api":
		r.APIVersion, p = cutSlash(p)
	case "apis":
		r.APIGroup, p = cutSlash(p)
		r.APIVersion, p = cutSlash(p)
		if r.APIVersion == "" {
			r.APIGroup = ""
			return r
		}
	default:
		return r
	}
	if r.APIVersion == "" {
		return r
	}
	if seg, rest := cutSlash(p); seg == "watch" {
		p = rest
	}
	if seg, rest := cutSlash(p); seg == "namespaces" && rest != "" {
		ns, after := cutSlash(rest)
		next, _ := cutSlash(after)
		if after == "" || next == "status" || next == "finalize" {
			// The namespace object itself, or one of its subresources.
			r.Namespace = ns
			r.setObject(p)
			return r
		}
		r.Namespace = ns
		p = after
	}
	r.setObject(p)
	return r
}

// cutSlash is strings.Cut(s, "/") without the found result, in a loop the
// compiler inlines: the segments of a path are a few bytes long, shorter
// than it takes strings.Cut to call IndexByte.
func cutSlash(s string) (before, after string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// setObject fills resource, name and subresource from RESOURCE/NAME/SUB/...
func (r *Request) setObject(p string) {
	var rest string
	r.Resource, rest = cutSlash(p)
	if r.Resource == "" {
		return // an empty segment (//): no resource to speak of
	}
	r.Name, rest = cutSlash(rest)
	r.SubresourcePath = strings.TrimSuffix(rest, "/")
	r.Subresource, _ = cutSlash(rest)
}
