package auditparquet

import (
	"encoding/json"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// The reflection of the Parquet library writes a Row as Batch.Add and
// WriteRowGroup write its event: Set is the reference the tests hold them
// to (TestWriteRowGroupDifferential), and how they write files to read.

// Set fills r with ev, req and loc, and the request and response bodies
// when bodies is true. The strings of r are those of ev, req and loc, or
// JSON made for r (user extra, response details); slices and maps are r's
// own, reused.
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
