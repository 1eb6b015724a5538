package auditlog

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// spares holds the parts of the last event a reader decoded, cleared, so
// that decoding the next event into a recycled Event allocates them again
// only when the previous one had none.
type spares struct {
	objRef *auditv1.ObjectReference
	stat   *metav1.Status
	annot  map[string]string
	groups []string
	ips    []string
}

// recycle takes back the reusable parts of ev and clears ev.
func (sp *spares) recycle(ev *auditv1.Event) {
	if ev.ObjectRef != nil {
		*ev.ObjectRef = auditv1.ObjectReference{}
		sp.objRef = ev.ObjectRef
	}
	if ev.ResponseStatus != nil {
		*ev.ResponseStatus = metav1.Status{}
		sp.stat = ev.ResponseStatus
	}
	if ev.Annotations != nil && len(ev.Annotations) <= 64 {
		clear(ev.Annotations)
		sp.annot = ev.Annotations
	}
	if g := ev.User.Groups; cap(g) > 0 && cap(g) <= 64 {
		clear(g[:cap(g)])
		sp.groups = g[:0]
	}
	if ips := ev.SourceIPs; cap(ips) > 0 && cap(ips) <= 64 {
		clear(ips[:cap(ips)])
		sp.ips = ips[:0]
	}
	*ev = auditv1.Event{}
}

// sourceIPs returns an empty slice to decode sourceIPs into.
func (sp *spares) sourceIPs() []string {
	ips := sp.ips
	sp.ips = nil
	return ips
}

// userGroups returns an empty slice to decode a user's groups into.
func (sp *spares) userGroups() []string {
	g := sp.groups
	sp.groups = nil
	return g
}

func (sp *spares) objectRef() *auditv1.ObjectReference {
	if o := sp.objRef; o != nil {
		sp.objRef = nil
		return o
	}
	return new(auditv1.ObjectReference)
}

func (sp *spares) status() *metav1.Status {
	if s := sp.stat; s != nil {
		sp.stat = nil
		return s
	}
	return new(metav1.Status)
}

func (sp *spares) annotations() map[string]string {
	if m := sp.annot; m != nil {
		sp.annot = nil
		return m
	}
	return make(map[string]string, 8)
}
