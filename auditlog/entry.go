package auditlog

import (
	"strings"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/internal/samplehash"
)

// Server names the API server that wrote an audit log.
type Server string

// The API servers of an OpenShift cluster, as must-gather names their
// audit_logs folders.
const (
	ServerUnknown   Server = ""
	ServerKube      Server = "kube-apiserver"
	ServerOpenShift Server = "openshift-apiserver"
	ServerOAuthAPI  Server = "oauth-apiserver"
	ServerOAuth     Server = "oauth-server"
)

// Source is one audit log file.
type Source struct {
	// Path is the file's path as found.
	Path string
	// Server is the API server that wrote it, from the must-gather folder it
	// is in; ServerUnknown elsewhere.
	Server Server
	// Node is the node (master) that wrote it, from its file name
	// (NODE-audit-2021-03-09T14-07-27.129.log.gz, NODE-audit.log); "" when the
	// name does not say.
	Node string
	// Size is the file's size on disk, compressed or not.
	Size int64
	// Skip, when not empty, says why the file is not read (it is in an
	// audit_logs tree but is not an audit log: termination.log, lock.log...).
	// Skipped files are listed in the Report.
	Skip string

	spool string  // the copy of standard input read for Stdin (SpoolStdin)
	mem   *[]byte // the bytes of a source in memory (Bytes); nil for a file
}

// Entry is one audit event with where it came from. Entries handed out by a
// Reader are reused: an entry is valid only until the call that received it
// returns. Clone one to keep it.
type Entry struct {
	// Event is the decoded event. Only the fields the reader was asked for
	// (Options.Fields) are filled.
	Event *auditv1.Event
	// Source is the file the event was read from.
	Source *Source
	// Line is the event's line number in the (uncompressed) file, from 1.
	Line int64
	// Node is the node that logged the event: the host-name prefix of its
	// line (master-0 {...}) when there is one, else the source's node.
	Node string

	request       Request
	requestParsed bool
	// fieldManager is the fieldManager parameter when fieldManagerState
	// says it is known: from a Parquet column, or parsed from the URI.
	fieldManager      string
	fieldManagerState uint8
	// later is what the reader left for Fill to decode, or nil.
	later *laterMembers
	// sampleHash is the auditID's hash, once hashed is true.
	sampleHash uint64
	hashed     bool
}

// SampleHash returns the hash of the event's auditID that orders sample
// requests (the aggregate package's SampleHash), worked out on first use
// and then shared by every caller.
func (e *Entry) SampleHash() uint64 {
	if !e.hashed {
		e.sampleHash, e.hashed = samplehash.Of(string(e.Event.AuditID)), true
	}
	return e.sampleHash
}

// The states of Entry.fieldManager.
const (
	fieldManagerUnknown uint8 = iota
	fieldManagerAbsent
	fieldManagerPresent
)

// Request returns the request parsed from the event's requestURI. It is
// parsed on first use and then shared by every caller.
func (e *Entry) Request() *Request {
	if !e.requestParsed {
		e.request = ParseRequestURI(e.Event.RequestURI)
		e.requestParsed = true
	}
	return &e.request
}

// FieldManager returns the fieldManager query parameter of the event's
// requestURI, unescaped, and whether there is one. It needs
// FieldFieldManager (or FieldRequestURI) in Options.Fields: a Parquet
// source has it in a column of its own, so that reading it does not read
// the requestURI. It allocates only for an escaped value, once per entry.
func (e *Entry) FieldManager() (string, bool) {
	if e.fieldManagerState == fieldManagerUnknown {
		e.fieldManagerState = fieldManagerAbsent
		uri := e.Event.RequestURI
		if q := strings.IndexByte(uri, '?'); q >= 0 && mayNameFieldManager(uri[q+1:]) {
			if v, ok := e.Request().QueryValue("fieldManager"); ok {
				e.fieldManager, e.fieldManagerState = v, fieldManagerPresent
			}
		}
	}
	return e.fieldManager, e.fieldManagerState == fieldManagerPresent
}

// mayNameFieldManager reports whether a query may have the fieldManager
// parameter: it holds the name, or one of its keys is escaped (its values
// may be: labelSelector=app%3Dweb names no other key).
func mayNameFieldManager(query string) bool {
	if strings.Contains(query, "fieldManager") {
		return true
	}
	if strings.IndexByte(query, '%') < 0 {
		return false
	}
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if key, _, _ := strings.Cut(pair, "="); strings.IndexByte(key, '%') >= 0 {
			return true
		}
	}
	return false
}

// setFieldManager records the fieldManager parameter read from a column.
func (e *Entry) setFieldManager(v string, present bool) {
	e.fieldManager, e.fieldManagerState = v, fieldManagerAbsent
	if present {
		e.fieldManagerState = fieldManagerPresent
	}
}

// Reset points the entry at a new event and forgets the parsed request.
func (e *Entry) Reset(ev *auditv1.Event, src *Source, line int64, node string) {
	*e = Entry{Event: ev, Source: src, Line: line, Node: node}
}

// Clone returns a deep copy of the entry that shares no memory with the
// reader's buffers, to keep after the call that received the entry returns.
// (The strings of an entry's event point into the block of input it was
// read from; a clone's do not, so keeping it does not keep the block.)
func (e *Entry) Clone() *Entry {
	// A clone outlives the text of what was left for later.
	_ = e.Fill(FieldsLater)
	ev := e.Event.DeepCopy()
	detach(ev)
	return &Entry{Event: ev, Source: e.Source, Line: e.Line, Node: strings.Clone(e.Node),
		fieldManager: strings.Clone(e.fieldManager), fieldManagerState: e.fieldManagerState}
}

// detach gives every string of ev memory of its own.
func detach(ev *auditv1.Event) {
	c := strings.Clone
	ev.Kind, ev.APIVersion = c(ev.Kind), c(ev.APIVersion)
	ev.Level, ev.AuditID, ev.Stage = auditv1.Level(c(string(ev.Level))), types.UID(c(string(ev.AuditID))), auditv1.Stage(c(string(ev.Stage)))
	ev.RequestURI, ev.Verb, ev.UserAgent = c(ev.RequestURI), c(ev.Verb), c(ev.UserAgent)
	detachUser(&ev.User)
	if ev.ImpersonatedUser != nil {
		detachUser(ev.ImpersonatedUser)
	}
	if a := ev.AuthenticationMetadata; a != nil {
		a.ImpersonationConstraint = c(a.ImpersonationConstraint)
	}
	detachAll(ev.SourceIPs)
	if o := ev.ObjectRef; o != nil {
		o.Resource, o.Namespace, o.Name, o.UID = c(o.Resource), c(o.Namespace), c(o.Name), types.UID(c(string(o.UID)))
		o.APIGroup, o.APIVersion, o.ResourceVersion, o.Subresource = c(o.APIGroup), c(o.APIVersion), c(o.ResourceVersion), c(o.Subresource)
	}
	if st := ev.ResponseStatus; st != nil {
		st.Kind, st.APIVersion, st.Status, st.Message = c(st.Kind), c(st.APIVersion), c(st.Status), c(st.Message)
		st.Reason = metav1.StatusReason(c(string(st.Reason)))
		st.SelfLink, st.ResourceVersion, st.Continue = c(st.SelfLink), c(st.ResourceVersion), c(st.Continue)
		if d := st.Details; d != nil {
			d.Name, d.Group, d.Kind, d.UID = c(d.Name), c(d.Group), c(d.Kind), types.UID(c(string(d.UID)))
			for i := range d.Causes {
				cs := &d.Causes[i]
				cs.Type, cs.Message, cs.Field = metav1.CauseType(c(string(cs.Type))), c(cs.Message), c(cs.Field)
			}
		}
	}
	if len(ev.Annotations) > 0 {
		m := make(map[string]string, len(ev.Annotations))
		for k, v := range ev.Annotations {
			m[c(k)] = c(v)
		}
		ev.Annotations = m
	}
}

func detachUser(u *authnv1.UserInfo) {
	u.Username, u.UID = strings.Clone(u.Username), strings.Clone(u.UID)
	detachAll(u.Groups)
	if len(u.Extra) > 0 {
		m := make(map[string]authnv1.ExtraValue, len(u.Extra))
		for k, v := range u.Extra {
			detachAll(v)
			m[strings.Clone(k)] = v
		}
		u.Extra = m
	}
}

func detachAll(s []string) {
	for i := range s {
		s[i] = strings.Clone(s[i])
	}
}
