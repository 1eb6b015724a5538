package auditparquet

import (
	"encoding/json"
	"fmt"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Meta is what a row says beside its event.
type Meta struct {
	Location
	// FieldManager is the requestURI's fieldManager parameter, and
	// HasFieldManager whether there is one (read with ColFieldManager).
	FieldManager    string
	HasFieldManager bool
}

// Rows reads the rows of a row group into events, one at a time, reading
// only the columns it was opened with. A Rows may be reused for another
// row group (Open again); it shares the strings of dictionaries between
// the row groups it reads.
type Rows struct {
	cols   Columns
	left   int64
	leaves [numColumns]leaf
	values leaf // the values of the annotations map (leaves has its keys)
	fresh  bool
	err    error
	dict   dictStrings

	// What an event points to, reused from row to row unless fresh.
	objRef  auditv1.ObjectReference
	status  metav1.Status
	impUser authnv1.UserInfo
	authn   auditv1.AuthenticationMetadata
	annot   map[string]string
	lists   []string
	bodies  [2]runtime.Unknown
}

// Open readies r to read the columns cols of row group rg of f. When fresh
// is true, every event gets parts of its own (lists, maps, object
// reference...), so that it may be kept; otherwise they are reused from
// row to row, and an event is valid only until the next call to Next.
// Strings are never reused: a PLAIN page's values share one string per
// page, a dictionary's values one string per value.
func (r *Rows) Open(f *File, rg int, cols Columns, fresh bool) (err error) {
	r.Close()
	defer recoverError(&err)
	r.cols, r.left, r.fresh, r.err = 0, f.NumRows(rg), fresh, nil
	for c := range numColumns {
		if cols.Has(c) {
			if err := r.leaves[c].open(f, rg, c, 0, &r.dict, &r.err); err != nil {
				r.Close()
				return err
			}
			r.cols |= ColumnsOf(c)
		}
	}
	if cols.Has(ColAnnotations) {
		if err := r.values.open(f, rg, ColAnnotations, 1, &r.dict, &r.err); err != nil {
			r.Close()
			return err
		}
	}
	return nil
}

// Close releases the pages being read.
func (r *Rows) Close() {
	for c := range numColumns {
		if r.cols.Has(c) {
			r.leaves[c].close()
		}
	}
	if r.cols.Has(ColAnnotations) {
		r.values.close()
	}
	r.cols = 0
}

// Err is the error that stopped Next early, wrapping ErrDamaged.
func (r *Rows) Err() error { return r.err }

// Left is the number of rows not read yet.
func (r *Rows) Left() int64 { return r.left }

// Bytes is the number of uncompressed bytes of the pages read so far.
func (r *Rows) Bytes() int64 {
	var n int64
	for c := range numColumns {
		if r.cols.Has(c) {
			n += r.leaves[c].bytes
		}
	}
	return n + r.values.bytes
}

// Next reads the next row into ev, which it overwrites, and m. It reports
// false at the end of the row group, or when the row group turns out to be
// damaged (then Err says why, and the rows read before are good).
func (r *Rows) Next(ev *auditv1.Event, m *Meta) (ok bool) {
	if r.left <= 0 || r.err != nil {
		return false
	}
	defer func() {
		if v := recover(); v != nil {
			r.err, ok = fmt.Errorf("%w: %v", ErrDamaged, v), false
		}
	}()
	r.left--
	r.fill(ev, m)
	return r.err == nil // the leaves record their errors in r.err
}

// fill sets ev and m from the next value of every column read.
func (r *Rows) fill(ev *auditv1.Event, m *Meta) {
	*ev = auditv1.Event{}
	if !r.fresh {
		r.lists = r.lists[:0]
	}
	c, l := r.cols, &r.leaves
	if c.Has(ColRequestReceived) {
		ev.RequestReceivedTimestamp = microTime(l[ColRequestReceived].int64())
	}
	if c.Has(ColStageTimestamp) {
		ev.StageTimestamp = microTime(l[ColStageTimestamp].int64())
	}
	if c.Has(ColLatencyUS) {
		l[ColLatencyUS].int64()
	}
	if c.Has(ColAuditID) {
		s, _ := l[ColAuditID].str()
		ev.AuditID = types.UID(s)
	}
	if c.Has(ColKind) {
		ev.Kind, _ = l[ColKind].str()
	}
	if c.Has(ColEventAPIVersion) {
		ev.APIVersion, _ = l[ColEventAPIVersion].str()
	}
	if c.Has(ColLevel) {
		s, _ := l[ColLevel].str()
		ev.Level = auditv1.Level(s)
	}
	if c.Has(ColStage) {
		s, _ := l[ColStage].str()
		ev.Stage = auditv1.Stage(s)
	}
	if c.Has(ColVerb) {
		ev.Verb, _ = l[ColVerb].str()
	}
	if c.Has(ColRequestURI) {
		ev.RequestURI, _ = l[ColRequestURI].str()
	}
	for col := ColAPIGroup; col <= ColName; col++ {
		if c.Has(col) {
			l[col].str() // the parsed request is the URI's: read to keep in step
		}
	}
	if c.Has(ColFieldManager) {
		m.FieldManager, m.HasFieldManager = l[ColFieldManager].str()
	}
	if c.Has(ColCode) {
		if code, ok := l[ColCode].int32(); ok {
			ev.ResponseStatus = r.newStatus()
			ev.ResponseStatus.Code = code
		}
	}
	if c.Has(ColUsername) {
		ev.User.Username, _ = l[ColUsername].str()
	}
	if c.Has(ColUserUID) {
		ev.User.UID, _ = l[ColUserUID].str()
	}
	if c.Has(ColUserGroups) {
		ev.User.Groups = r.list(&l[ColUserGroups])
	}
	if c.Has(ColUserExtra) {
		if s, ok := l[ColUserExtra].str(); ok {
			ev.User.Extra = extraOf(s)
		}
	}
	r.fillImpersonated(ev)
	if c.Has(ColSourceIPs) {
		ev.SourceIPs = r.list(&l[ColSourceIPs])
	}
	if c.Has(ColUserAgent) {
		ev.UserAgent, _ = l[ColUserAgent].str()
	}
	r.fillObjectRef(ev)
	r.fillStatus(ev)
	if c.Has(ColAuthzDecision) || c.Has(ColAuthzReason) || c.Has(ColAnnotations) {
		r.fillAnnotations(ev)
	}
	if c.Has(ColRequestObject) {
		if s, ok := l[ColRequestObject].str(); ok {
			ev.RequestObject = r.body(0, s)
		}
	}
	if c.Has(ColResponseObject) {
		if s, ok := l[ColResponseObject].str(); ok {
			ev.ResponseObject = r.body(1, s)
		}
	}
	if c.Has(ColServer) {
		m.Server, _ = l[ColServer].str()
	}
	if c.Has(ColNode) {
		m.Node, _ = l[ColNode].str()
	}
	if c.Has(ColSourceFile) {
		m.File, _ = l[ColSourceFile].str()
	}
	if c.Has(ColSourceLine) {
		m.Line = l[ColSourceLine].int64()
	}
}

func (r *Rows) fillImpersonated(ev *auditv1.Event) {
	name, present := r.str(ColImpersonatedUsername)
	uid, _ := r.str(ColImpersonatedUID)
	var groups []string
	if r.cols.Has(ColImpersonatedGroups) {
		groups = r.list(&r.leaves[ColImpersonatedGroups])
	}
	extra, hasExtra := r.str(ColImpersonatedExtra)
	if present {
		u := &r.impUser
		if r.fresh {
			u = new(authnv1.UserInfo)
		}
		*u = authnv1.UserInfo{Username: name, UID: uid, Groups: groups}
		if hasExtra {
			u.Extra = extraOf(extra)
		}
		ev.ImpersonatedUser = u
	}
	if s, ok := r.str(ColImpersonationConstraint); ok {
		a := &r.authn
		if r.fresh {
			a = new(auditv1.AuthenticationMetadata)
		}
		a.ImpersonationConstraint = s
		ev.AuthenticationMetadata = a
	}
}

func (r *Rows) fillObjectRef(ev *auditv1.Event) {
	c, l := r.cols, &r.leaves
	if !c.Has(ColObjectResource) {
		return
	}
	res, ok := l[ColObjectResource].str()
	var o auditv1.ObjectReference
	o.Resource = res
	str := func(col Column) string { s, _ := r.str(col); return s }
	o.Namespace, o.Name, o.UID = str(ColObjectNamespace), str(ColObjectName), types.UID(str(ColObjectUID))
	o.APIGroup, o.APIVersion = str(ColObjectAPIGroup), str(ColObjectAPIVersion)
	o.ResourceVersion, o.Subresource = str(ColObjectResourceVersion), str(ColObjectSubresource)
	if !ok {
		return
	}
	if r.fresh {
		ev.ObjectRef = &o
	} else {
		r.objRef = o
		ev.ObjectRef = &r.objRef
	}
}

func (r *Rows) fillStatus(ev *auditv1.Event) {
	status, _ := r.str(ColResponseStatus)
	reason, _ := r.str(ColResponseReason)
	message, _ := r.str(ColResponseMessage)
	details, hasDetails := r.str(ColResponseDetails)
	st := ev.ResponseStatus
	if st == nil {
		return // no response status: code is null
	}
	st.Status, st.Reason, st.Message = status, metav1.StatusReason(reason), message
	if hasDetails {
		d := new(metav1.StatusDetails)
		if json.Unmarshal([]byte(details), d) == nil {
			st.Details = d
		}
	}
}

func (r *Rows) fillAnnotations(ev *auditv1.Event) {
	c, l := r.cols, &r.leaves
	var m map[string]string
	put := func(k, v string) {
		if m == nil {
			if r.fresh || r.annot == nil {
				m = make(map[string]string, 8)
				if !r.fresh {
					r.annot = m
				}
			} else {
				m = r.annot
				clear(m)
			}
		}
		m[k] = v
	}
	if c.Has(ColAuthzDecision) {
		if s, ok := l[ColAuthzDecision].str(); ok {
			put(AnnotationDecision, s)
		}
	}
	if c.Has(ColAuthzReason) {
		if s, ok := l[ColAuthzReason].str(); ok {
			put(AnnotationReason, s)
		}
	}
	if c.Has(ColAnnotations) {
		start := len(r.lists)
		r.lists = l[ColAnnotations].list(r.lists)
		keys := r.lists[start:]
		r.lists = r.values.list(r.lists)
		vals := r.lists[start+len(keys):]
		if len(keys) != len(vals) {
			l[ColAnnotations].fail(fmt.Errorf("%d keys and %d values", len(keys), len(vals)))
		}
		for i := range min(len(keys), len(vals)) {
			put(keys[i], vals[i])
		}
		r.lists = r.lists[:start]
	}
	ev.Annotations = m
}

// str reads the next value of a string column if it is read.
func (r *Rows) str(col Column) (string, bool) {
	if !r.cols.Has(col) {
		return "", false
	}
	return r.leaves[col].str()
}

// newStatus returns the response status of a row.
func (r *Rows) newStatus() *metav1.Status {
	if r.fresh {
		return new(metav1.Status)
	}
	r.status = metav1.Status{}
	return &r.status
}

// list reads the next row of a list column: a slice of its own when
// fresh, else a piece of a buffer reused from row to row.
func (r *Rows) list(l *leaf) []string {
	if r.fresh {
		return l.list(nil)
	}
	start := len(r.lists)
	r.lists = l.list(r.lists)
	if len(r.lists) == start {
		return nil
	}
	return r.lists[start:len(r.lists):len(r.lists)]
}

// body returns a request or response body.
func (r *Rows) body(i int, s string) *runtime.Unknown {
	u := &r.bodies[i]
	if r.fresh {
		u = new(runtime.Unknown)
	}
	*u = runtime.Unknown{Raw: []byte(s), ContentType: runtime.ContentTypeJSON}
	return u
}

// microTime turns a stored timestamp back into a time, in the local time
// zone as the JSON decoder gives it.
func microTime(us int64) metav1.MicroTime {
	if us == zeroMicros {
		return metav1.MicroTime{}
	}
	return metav1.MicroTime{Time: time.UnixMicro(us)}
}

// extraOf decodes a user's extra from JSON; nil when it does not decode.
func extraOf(s string) map[string]authnv1.ExtraValue {
	var m map[string]authnv1.ExtraValue
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}
