package auditlog

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// auditLogType is the @type of a Cloud Audit Logs payload.
const auditLogType = "type.googleapis.com/google.cloud.audit.AuditLog"

// cloudLogging reads a Cloud Logging entry with a protoPayload: a GKE
// Kubernetes audit entry becomes an event (see CloudLoggingMapping); any
// other payload is not an event. The mapping and its gaps are in the
// package documentation.
func (ld *lineDecoder) cloudLogging(b *block, w *wrapper, at place, node string, depth int, add func(*Entry) bool) bool {
	p, err := readAuditLog(w, w.members[keyProtoPayload])
	switch {
	case err != nil:
		ld.rejectAt(BadJSON, b, at, err.Error())
		return true
	case p.typ != auditLogType:
		ld.rejectAt(NotEvent, b, at, fmt.Sprintf("Cloud Logging entry of a %q payload, not a Kubernetes audit log", p.typ))
		return true
	case p.service != "k8s.io" && !strings.HasPrefix(p.method, "io.k8s."):
		ld.rejectAt(NotEvent, b, at, fmt.Sprintf("Cloud Audit Logs entry of %q, not Kubernetes", p.service))
		return true
	}
	ev := ld.next()
	if err := p.event(w, ev, ld.dec.spare.annotations()); err != nil {
		ld.rejectAt(BadJSON, b, at, err.Error())
		return true
	}
	projectMapped(ev, ld.fields)
	return ld.emitAt(b, at, node, ShapeCloudLogging, add)
}

// auditLog is what an event is made of in a protoPayload.
type auditLog struct {
	typ, service, method, resource string
	principal, callerIP, userAgent string
	code                           int64
	message                        string
	request, response              []byte
	responseCode                   int64 // the response's code, when it is a Status
	metadata                       []byte
}

// readAuditLog reads the members of a protoPayload.
func readAuditLog(w *wrapper, span []byte) (*auditLog, error) {
	p := &auditLog{}
	s := w.scanner(span)
	if s.ws() != '{' {
		return p, nil
	}
	err := s.object(1, func(key []byte) error {
		switch string(key) {
		case "@type":
			return stringMember(s, &p.typ)
		case "serviceName":
			return stringMember(s, &p.service)
		case "methodName":
			return stringMember(s, &p.method)
		case "resourceName":
			return stringMember(s, &p.resource)
		case "authenticationInfo":
			return members(s, 2, func(key []byte) error {
				if string(key) == "principalEmail" {
					return stringMember(s, &p.principal)
				}
				return s.skipValue(3)
			})
		case "requestMetadata":
			return members(s, 2, func(key []byte) error {
				switch string(key) {
				case "callerIp":
					return stringMember(s, &p.callerIP)
				case "callerSuppliedUserAgent":
					return stringMember(s, &p.userAgent)
				}
				return s.skipValue(3)
			})
		case "status":
			return members(s, 2, func(key []byte) error {
				switch string(key) {
				case "code":
					return intMember(s, &p.code)
				case "message":
					return stringMember(s, &p.message)
				}
				return s.skipValue(3)
			})
		case "request":
			span, err := s.span(2)
			p.request = span
			return err
		case "response":
			start := s.pos
			if s.ws() == '{' {
				isStatus := false
				var code int64
				err := members(s, 2, func(key []byte) error {
					switch string(key) {
					case "code":
						return intMember(s, &code)
					case "kind":
						var kind string
						err := stringMember(s, &kind)
						isStatus = isStatus || kind == "Status"
						return err
					case "status":
						isStatus = true
					}
					return s.skipValue(3)
				})
				if isStatus && code >= 100 && code <= 599 {
					p.responseCode = code
				}
				p.response = s.data[start:s.pos]
				return err
			}
			return s.skipValue(2)
		case "metadata":
			span, err := s.span(2)
			p.metadata = span
			return err
		}
		return s.skipValue(2)
	})
	return p, err
}

// event fills ev from the payload and the entry around it.
func (p *auditLog) event(w *wrapper, ev *auditv1.Event, annotations map[string]string) error {
	ev.Kind, ev.APIVersion = "Event", "audit.k8s.io/v1"
	ev.Stage = auditv1.StageResponseComplete
	ev.Level = auditv1.LevelMetadata
	if p.request != nil {
		ev.Level = auditv1.LevelRequest
		ev.RequestObject = &runtime.Unknown{Raw: append([]byte(nil), p.request...), ContentType: runtime.ContentTypeJSON}
	}
	if p.response != nil {
		ev.Level = auditv1.LevelRequestResponse
		ev.ResponseObject = &runtime.Unknown{Raw: append([]byte(nil), p.response...), ContentType: runtime.ContentTypeJSON}
	}
	if id, ok := operationID(w); ok {
		ev.AuditID = types.UID(id)
	} else if id, ok := w.str(keyInsertID); ok {
		ev.AuditID = types.UID(id)
	}
	if i := strings.LastIndexByte(p.method, '.'); i >= 0 {
		ev.Verb = p.method[i+1:]
	}
	ev.RequestURI, ev.ObjectRef = resourceRequest(p.resource)
	ev.User.Username = p.principal
	if p.callerIP != "" {
		ev.SourceIPs = []string{p.callerIP}
	}
	ev.UserAgent = p.userAgent
	code := p.responseCode
	if code == 0 {
		code = httpCode(p.code)
	}
	ev.ResponseStatus = &metav1.Status{Code: int32(code), Message: p.message}
	if ts, ok := w.str(keyTimestamp); ok {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return fmt.Errorf("Cloud Logging entry: timestamp %q: not RFC 3339", ts)
		}
		ev.RequestReceivedTimestamp = metav1.NewMicroTime(t.Local()) // as the JSON decoder gives times
	}
	for _, span := range [][]byte{w.members[keyLabels], p.metadata} {
		if err := stringMap(w, span, annotations); err != nil {
			return err
		}
	}
	if len(annotations) > 0 {
		ev.Annotations = annotations
	}
	return nil
}

// operationID returns operation.id of a Cloud Logging entry.
func operationID(w *wrapper) (string, bool) {
	span := w.members[keyOperation]
	if len(span) == 0 || span[0] != '{' {
		return "", false
	}
	s := w.scanner(span)
	var id string
	err := members(s, 1, func(key []byte) error {
		if string(key) == "id" {
			return stringMember(s, &id)
		}
		return s.skipValue(2)
	})
	return id, err == nil && id != ""
}

// stringMap adds the string members of the object span to m.
func stringMap(w *wrapper, span []byte, m map[string]string) error {
	if len(span) == 0 || span[0] != '{' {
		return nil
	}
	s := w.scanner(span)
	return members(s, 1, func(key []byte) error {
		k := s.keyString()
		if s.ws() != '"' {
			return s.skipValue(2)
		}
		v, err := s.string()
		m[k] = v
		return err
	})
}

// resourceRequest turns a GKE resourceName into a request URI and an
// object reference (nil for a non-resource path).
func resourceRequest(name string) (string, *auditv1.ObjectReference) {
	parts := strings.Split(strings.Trim(name, "/"), "/")
	if len(parts) < 3 || !isVersion(parts[1]) {
		return "/" + strings.Trim(name, "/"), nil
	}
	ref := &auditv1.ObjectReference{APIGroup: parts[0], APIVersion: parts[1]}
	uri := "/apis/" + parts[0] + "/" + parts[1]
	if parts[0] == "core" {
		ref.APIGroup = ""
		uri = "/api/" + parts[1]
	}
	rest := parts[2:]
	if rest[0] == "namespaces" && len(rest) >= 3 {
		ref.Namespace = rest[1]
		uri += "/namespaces/" + rest[1]
		rest = rest[2:]
	}
	ref.Resource = rest[0]
	if len(rest) > 1 {
		ref.Name = rest[1]
		if ref.Resource == "namespaces" {
			ref.Namespace = ref.Name
		}
	}
	if len(rest) > 2 {
		ref.Subresource = rest[2]
	}
	return uri + "/" + strings.Join(rest, "/"), ref
}

// isVersion reports whether s looks like an API version: v1, v1beta1.
func isVersion(s string) bool {
	return len(s) >= 2 && s[0] == 'v' && s[1] >= '1' && s[1] <= '9'
}

// httpCode is the HTTP status of a google.rpc code, as Google's APIs map
// them.
func httpCode(rpc int64) int64 {
	switch rpc {
	case 0:
		return 200
	case 1:
		return 499
	case 3, 9, 11:
		return 400
	case 4:
		return 504
	case 5:
		return 404
	case 6, 10:
		return 409
	case 7:
		return 403
	case 8:
		return 429
	case 12:
		return 501
	case 14:
		return 503
	case 16:
		return 401
	}
	return 500 // 2 unknown, 13 internal, 15 data loss, and others
}

// members iterates over the members of the object at the scanner, or
// skips a value of another kind.
func members(s *scanner, depth int, member func(key []byte) error) error {
	if s.ws() != '{' {
		return s.skipValue(depth)
	}
	return s.object(depth, member)
}

// stringMember reads a string value into dst, or skips a value of another
// kind.
func stringMember(s *scanner, dst *string) error {
	if s.ws() != '"' {
		return s.skipValue(1)
	}
	v, err := s.string()
	*dst = v
	return err
}

// intMember reads an integer value into dst, or skips a value of another
// kind.
func intMember(s *scanner, dst *int64) error {
	if c := s.ws(); c != '-' && (c < '0' || c > '9') {
		return s.skipValue(1)
	}
	n, err := s.int(64, "code")
	if err == nil {
		*dst = n
	}
	if _, ok := err.(*typeError); ok {
		return nil
	}
	return err
}

// projectMapped clears the fields of an event mapped whole that the reader was
// not asked for, so that it holds what a decoded event would.
func projectMapped(ev *auditv1.Event, f Fields) {
	if !f.Has(FieldKind) {
		ev.TypeMeta = metav1.TypeMeta{}
	}
	if !f.Has(FieldLevel) {
		ev.Level = ""
	}
	if !f.Has(FieldAuditID) {
		ev.AuditID = ""
	}
	if !f.Has(FieldStage) {
		ev.Stage = ""
	}
	if !f.Has(FieldRequestURI) && !f.Has(FieldFieldManager) {
		ev.RequestURI = ""
	}
	if !f.Has(FieldVerb) {
		ev.Verb = ""
	}
	if !f.Has(FieldUser) {
		ev.User.Username, ev.User.UID = "", ""
	}
	if !f.Has(FieldSourceIPs) {
		ev.SourceIPs = nil
	}
	if !f.Has(FieldUserAgent) {
		ev.UserAgent = ""
	}
	if !f.Has(FieldObjectRef) {
		ev.ObjectRef = nil
	}
	switch {
	case f.Has(FieldResponseStatus):
	case f.Has(FieldResponseCode) && ev.ResponseStatus != nil:
		ev.ResponseStatus = &metav1.Status{Code: ev.ResponseStatus.Code}
	default:
		ev.ResponseStatus = nil
	}
	if !f.Has(FieldRequestObject) {
		ev.RequestObject = nil
	}
	if !f.Has(FieldResponseObject) {
		ev.ResponseObject = nil
	}
	if !f.Has(FieldRequestReceivedTimestamp) {
		ev.RequestReceivedTimestamp = metav1.MicroTime{}
	}
	switch {
	case f.Has(FieldAnnotations):
	case f.Has(FieldAnnotationsButAuthz):
		delete(ev.Annotations, annotationAuthzDecision)
		delete(ev.Annotations, annotationAuthzReason)
	default:
		ev.Annotations = nil
	}
}
