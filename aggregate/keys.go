package aggregate

import (
	"strconv"

	"github.com/auditlens/auditlens/auditlog"
)

// The predefined keys. Keys read from the requestURI parse it as
// [auditlog.Request] does.
var (
	// KeyVerb is the event's verb (get, list, watch, create...).
	KeyVerb = predefinedKey("verb", auditlog.FieldVerb, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Event.Verb...), true
	})

	// KeyUser is user.username, followed by [fieldManager] when the
	// requestURI has a fieldManager query parameter, as the reference tool
	// counts users. It reads the field manager alone
	// (auditlog.FieldFieldManager), not the whole requestURI, which a
	// Parquet source need not read.
	KeyUser = predefinedKey("user", auditlog.FieldUser|auditlog.FieldFieldManager, appendUser)

	// KeyUsername is user.username alone.
	KeyUsername = predefinedKey("username", auditlog.FieldUser, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Event.User.Username...), true
	})

	// KeyResource is the resource of the requestURI, always with its group
	// version: v1/RESOURCE for the core group and GROUP/VERSION/RESOURCE
	// for named groups, cluster-scoped or namespaced alike. The reference
	// tool writes GROUP/RESOURCE for namespaced named-group resources and
	// GROUP/VERSION/RESOURCE for cluster-scoped ones; this key is the same
	// for both. Requests that are not for a resource (/healthz, /version,
	// discovery) have no resource key and are not counted, as in the
	// reference.
	KeyResource = predefinedKey("resource", auditlog.FieldRequestURI, appendResource)

	// KeyHTTPStatus is responseStatus.code, or -1 when the event has no
	// response status. It is numeric.
	KeyHTTPStatus = Key{name: "httpstatus", fields: auditlog.FieldResponseCode, numeric: true, predefined: true,
		fn: func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
			return strconv.AppendInt(dst, int64(statusCode(e)), 10), true
		}}

	// KeyNamespace is the namespace of the requestURI; "" for
	// cluster-scoped and non-resource requests.
	KeyNamespace = predefinedKey("namespace", auditlog.FieldRequestURI, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Request().Namespace...), true
	})

	// KeySubresource is the subresource of the requestURI (status, log,
	// proxy); "" when there is none.
	KeySubresource = predefinedKey("subresource", auditlog.FieldRequestURI, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Request().Subresource...), true
	})

	// KeyUserAgent is the userAgent as logged.
	KeyUserAgent = predefinedKey("useragent", auditlog.FieldUserAgent, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Event.UserAgent...), true
	})

	// KeyUserAgentProduct is the product of the userAgent: its first word
	// without version (kubelet for "kubelet/v1.29.3 (linux/amd64)
	// kubernetes/abc"). See [UserAgentProduct].
	KeyUserAgentProduct = predefinedKey("useragent-product", auditlog.FieldUserAgent, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, UserAgentProduct(e.Event.UserAgent)...), true
	})

	// KeySourceIP is the first of sourceIPs (the client's address as the
	// API server saw it); "" when there is none.
	KeySourceIP = predefinedKey("sourceip", auditlog.FieldSourceIPs, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		if ips := e.Event.SourceIPs; len(ips) > 0 {
			dst = append(dst, ips[0]...)
		}
		return dst, true
	})

	// KeyServer is the API server that logged the event (kube-apiserver,
	// openshift-apiserver...), from the entry's source; "" when unknown.
	KeyServer = predefinedKey("server", 0, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		if e.Source != nil {
			dst = append(dst, e.Source.Server...)
		}
		return dst, true
	})

	// KeyNode is the node that logged the event (Entry.Node).
	KeyNode = predefinedKey("node", 0, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Node...), true
	})

	// KeyStage is the event's stage (RequestReceived, ResponseComplete...).
	KeyStage = predefinedKey("stage", auditlog.FieldStage, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Event.Stage...), true
	})

	// KeyLevel is the event's audit level (Metadata, Request...).
	KeyLevel = predefinedKey("level", auditlog.FieldLevel, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Event.Level...), true
	})

	// KeyAuditID is the event's auditID: one key per request.
	KeyAuditID = predefinedKey("auditid", auditlog.FieldAuditID, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Event.AuditID...), true
	})
)

// namedKeys are the keys KeyByName knows, by lower-case name, in the
// order KeyNames lists them: the reference tool's keys first.
var namedKeys = []Key{
	KeyVerb, KeyUser, KeyResource, KeyHTTPStatus, KeyNamespace,
	KeyUserAgent, KeyUserAgentProduct, KeySourceIP, KeySubresource, KeyServer, KeyNode,
	KeyStage, KeyLevel, KeyUsername, KeyAuditID,
}

// predefinedKey is NewKey for the package's own keys (Key.predefined).
func predefinedKey(name string, fields auditlog.Fields, fn AppendFunc) Key {
	k := NewKey(name, fields, fn)
	k.predefined = true
	return k
}

func appendUser(dst []byte, e *auditlog.Entry) ([]byte, bool) {
	dst = append(dst, e.Event.User.Username...)
	if fm, ok := e.FieldManager(); ok {
		dst = append(dst, '[')
		dst = append(dst, fm...)
		dst = append(dst, ']')
	}
	return dst, true
}

func appendResource(dst []byte, e *auditlog.Entry) ([]byte, bool) {
	r := e.Request()
	if r.Resource == "" {
		return dst, false
	}
	if r.APIGroup != "" {
		dst = append(dst, r.APIGroup...)
		dst = append(dst, '/')
	}
	dst = append(dst, r.APIVersion...)
	dst = append(dst, '/')
	return append(dst, r.Resource...), true
}

// statusCode is responseStatus.code, or -1 when there is no response status.
func statusCode(e *auditlog.Entry) int32 {
	if e.Event.ResponseStatus == nil {
		return -1
	}
	return e.Event.ResponseStatus.Code
}
