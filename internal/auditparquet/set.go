package auditparquet

import (
	"encoding/json"
	"strings"
	"time"
	"unsafe"

	authnv1 "k8s.io/api/authentication/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Request is what the requestURI says, parsed by the caller (auditlog's
// Request and Entry.FieldManager).
type Request struct {
	APIGroup, APIVersion, Resource, Subresource, Namespace, Name string
	// FieldManager is the fieldManager query parameter, unescaped;
	// HasFieldManager says whether the URI has one.
	FieldManager    string
	HasFieldManager bool
}

// Location is where an event was read from.
type Location struct {
	// Server is the API server that logged it, Node the node.
	Server, Node string
	// File is the path of the audit log it was read from, Line its line.
	File string
	Line int64
}

// zeroMicros is how the zero time is stored: the microseconds of
// 0001-01-01T00:00:00Z since the Unix epoch.
var zeroMicros = time.Time{}.UnixMicro()

// Micros is t as stored in a timestamp column: microseconds since the Unix
// epoch, the zero time included (as 0001-01-01T00:00:00Z).
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return zeroMicros
	}
	return t.UnixMicro()
}

// Set fills r with ev, req and loc, and the request and response bodies
// when bodies is true. The strings of r are those of ev, req and loc, or
// JSON made for r (user extra, response details); slices and maps are r's
// own, reused. Call Own before keeping r longer than ev's strings live.
func (r *Row) Set(ev *auditv1.Event, req *Request, loc *Location, bodies bool) {
	groups, impGroups, ips, annot := r.UserGroups[:0], r.ImpersonatedGroups[:0], r.SourceIPs[:0], r.Annotations
	clear(annot)
	*r = Row{
		RequestReceived: Micros(ev.RequestReceivedTimestamp.Time),
		StageTimestamp:  Micros(ev.StageTimestamp.Time),
		AuditID:         string(ev.AuditID),
		Kind:            ev.Kind,
		EventAPIVersion: ev.APIVersion,
		Level:           string(ev.Level),
		Stage:           string(ev.Stage),
		Verb:            ev.Verb,
		RequestURI:      ev.RequestURI,
		APIGroup:        req.APIGroup,
		APIVersion:      req.APIVersion,
		Resource:        req.Resource,
		Subresource:     req.Subresource,
		Namespace:       req.Namespace,
		Name:            req.Name,
		Username:        ev.User.Username,
		UserUID:         ev.User.UID,
		UserGroups:      append(groups, ev.User.Groups...),
		UserExtra:       extraJSON(ev.User.Extra),
		SourceIPs:       append(ips, ev.SourceIPs...),
		UserAgent:       ev.UserAgent,
		Server:          loc.Server,
		Node:            loc.Node,
		SourceFile:      loc.File,
		SourceLine:      loc.Line,
	}
	r.ImpersonatedGroups = impGroups
	if !ev.RequestReceivedTimestamp.IsZero() && !ev.StageTimestamp.IsZero() {
		r.LatencyUS = ev.StageTimestamp.Sub(ev.RequestReceivedTimestamp.Time).Microseconds()
	}
	if req.HasFieldManager {
		r.FieldManager = &req.FieldManager
	}
	if u := ev.ImpersonatedUser; u != nil {
		r.ImpersonatedUsername = &u.Username
		r.ImpersonatedUID = u.UID
		r.ImpersonatedGroups = append(r.ImpersonatedGroups, u.Groups...)
		r.ImpersonatedExtra = extraJSON(u.Extra)
	}
	if a := ev.AuthenticationMetadata; a != nil {
		r.ImpersonationConstraint = &a.ImpersonationConstraint
	}
	if o := ev.ObjectRef; o != nil {
		r.ObjectResource = &o.Resource
		r.ObjectNamespace, r.ObjectName, r.ObjectUID = o.Namespace, o.Name, string(o.UID)
		r.ObjectAPIGroup, r.ObjectAPIVersion = o.APIGroup, o.APIVersion
		r.ObjectResourceVersion, r.ObjectSubresource = o.ResourceVersion, o.Subresource
	}
	if st := ev.ResponseStatus; st != nil {
		r.Code = &st.Code
		r.ResponseStatus, r.ResponseReason, r.ResponseMessage = st.Status, string(st.Reason), st.Message
		if st.Details != nil {
			if b, err := json.Marshal(st.Details); err == nil {
				r.ResponseDetails = string(b)
			}
		}
	}
	for k, v := range ev.Annotations {
		switch k {
		case AnnotationDecision:
			r.AuthzDecision = &v
		case AnnotationReason:
			r.AuthzReason = &v
		default:
			if annot == nil {
				annot = make(map[string]string, len(ev.Annotations))
			}
			annot[k] = v
		}
	}
	r.Annotations = annot
	if bodies {
		if o := ev.RequestObject; o != nil {
			r.RequestObject = string(o.Raw)
		}
		if o := ev.ResponseObject; o != nil {
			r.ResponseObject = string(o.Raw)
		}
	}
}

// extraJSON is a user's extra as JSON, or "" when it has none.
func extraJSON(extra map[string]authnv1.ExtraValue) string {
	if len(extra) == 0 {
		return ""
	}
	b, err := json.Marshal(extra)
	if err != nil {
		return ""
	}
	return string(b)
}

// rowBytes is the memory a Row takes beside its strings, lists and map.
const rowBytes = int64(unsafe.Sizeof(Row{}))

// Own gives every string of r memory of its own, shared through in for the
// dictionary-encoded columns, so that r may outlive the event it was set
// from. Its slices and maps are new, since r is kept. It returns an
// estimate of the memory r now holds.
func (r *Row) Own(in *Interner) int64 {
	n := rowBytes
	s := in.String
	c := func(v string) string {
		n += int64(len(v))
		return in.clone(v)
	}
	r.AuditID, r.Kind, r.EventAPIVersion = c(r.AuditID), s(r.Kind), s(r.EventAPIVersion)
	r.Level, r.Stage, r.Verb, r.RequestURI = s(r.Level), s(r.Stage), s(r.Verb), c(r.RequestURI)
	r.APIGroup, r.APIVersion, r.Resource, r.Subresource = s(r.APIGroup), s(r.APIVersion), s(r.Resource), s(r.Subresource)
	r.Namespace, r.Name = s(r.Namespace), s(r.Name)
	r.FieldManager = in.ptr(r.FieldManager)
	if r.Code != nil {
		r.Code = in.code(*r.Code)
	}
	r.Username, r.UserUID = s(r.Username), s(r.UserUID)
	r.UserGroups = in.strings(r.UserGroups)
	r.ImpersonatedUsername, r.ImpersonatedUID = in.ptr(r.ImpersonatedUsername), s(r.ImpersonatedUID)
	r.ImpersonatedGroups = in.strings(r.ImpersonatedGroups)
	r.ImpersonationConstraint = in.ptr(r.ImpersonationConstraint)
	r.SourceIPs, r.UserAgent = in.strings(r.SourceIPs), s(r.UserAgent)
	r.ObjectResource = in.ptr(r.ObjectResource)
	r.ObjectNamespace, r.ObjectName, r.ObjectUID = s(r.ObjectNamespace), s(r.ObjectName), c(r.ObjectUID)
	r.ObjectAPIGroup, r.ObjectAPIVersion = s(r.ObjectAPIGroup), s(r.ObjectAPIVersion)
	r.ObjectResourceVersion, r.ObjectSubresource = c(r.ObjectResourceVersion), s(r.ObjectSubresource)
	r.ResponseStatus, r.ResponseReason, r.ResponseMessage = s(r.ResponseStatus), s(r.ResponseReason), c(r.ResponseMessage)
	r.AuthzDecision, r.AuthzReason = in.ptr(r.AuthzDecision), in.ptr(r.AuthzReason)
	if len(r.Annotations) > 0 {
		m := make(map[string]string, len(r.Annotations))
		for k, v := range r.Annotations {
			m[s(k)] = c(v)
		}
		r.Annotations = m
		n += 48 * int64(len(m))
	} else {
		r.Annotations = nil
	}
	r.RequestObject, r.ResponseObject = c(r.RequestObject), c(r.ResponseObject)
	r.Server, r.Node, r.SourceFile = s(r.Server), s(r.Node), s(r.SourceFile)
	// UserExtra, ImpersonatedExtra and ResponseDetails are made by Set.
	n += int64(len(r.UserExtra) + len(r.ImpersonatedExtra) + len(r.ResponseDetails))
	n += 16 * int64(len(r.UserGroups)+len(r.ImpersonatedGroups)+len(r.SourceIPs))
	return n
}

// Interner shares the strings of low-cardinality columns between rows. It
// holds at most a bounded number of strings: past that, it starts afresh.
type Interner struct {
	m map[string]string
	// The slabs Own copies the rest into, so that a row's copies are not
	// an allocation each: bytes of strings, strings of lists and
	// pointers, codes. A slab is never reused: the rows that hold parts
	// of one keep it alive, and it is collected after them.
	slab  []byte
	strs  []string
	codes []int32
}

// The sizes of an Interner's slabs.
const (
	slabBytes   = 64 << 10
	slabStrings = 1024
	slabCodes   = 1024
)

// clone returns a copy of s in the Interner's slab.
func (in *Interner) clone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > slabBytes/8 {
		return strings.Clone(s)
	}
	if cap(in.slab)-len(in.slab) < len(s) {
		in.slab = make([]byte, 0, slabBytes)
	}
	start := len(in.slab)
	in.slab = append(in.slab, s...)
	return unsafe.String(&in.slab[start], len(s))
}

// stringList returns n strings of the Interner's slab, which nothing
// else holds.
func (in *Interner) stringList(n int) []string {
	if n > slabStrings/8 {
		return make([]string, n)
	}
	if cap(in.strs)-len(in.strs) < n {
		in.strs = make([]string, 0, slabStrings)
	}
	start := len(in.strs)
	in.strs = in.strs[:start+n]
	return in.strs[start : start+n : start+n]
}

// code returns a pointer to a copy of c in the Interner's slab.
func (in *Interner) code(c int32) *int32 {
	if len(in.codes) == cap(in.codes) {
		in.codes = make([]int32, 0, slabCodes)
	}
	in.codes = append(in.codes, c)
	return &in.codes[len(in.codes)-1]
}

// internLimit bounds the strings an Interner holds.
const internLimit = 1 << 16

// String returns a copy of s with memory of its own, the same copy for
// equal strings.
func (in *Interner) String(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	return in.add(strings.Clone(s))
}

// add keeps v, a string of its own, and returns it.
func (in *Interner) add(v string) string {
	if in.m == nil || len(in.m) >= internLimit {
		in.m = make(map[string]string)
	}
	in.m[v] = v
	return v
}

// bytes is String for a string of bytes.
func (in *Interner) bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := in.m[string(b)]; ok {
		return v
	}
	return in.add(string(b))
}

// ptr is String for a pointer to a string; the pointer is new too.
func (in *Interner) ptr(p *string) *string {
	if p == nil {
		return nil
	}
	v := in.stringList(1)
	v[0] = in.String(*p)
	return &v[0]
}

// strings is String for a list of strings; the list is new too.
func (in *Interner) strings(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := in.stringList(len(ss))
	for i, s := range ss {
		out[i] = in.String(s)
	}
	return out
}
