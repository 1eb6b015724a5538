package auditlog

import (
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
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
}

// Request returns the request parsed from the event's requestURI. It is
// parsed on first use and then shared by every caller.
func (e *Entry) Request() *Request {
	if !e.requestParsed {
		e.request = ParseRequestURI(e.Event.RequestURI)
		e.requestParsed = true
	}
	return &e.request
}

// Latency is how long the request had taken when the event was logged:
// stageTimestamp minus requestReceivedTimestamp. It is 0 when either is
// missing.
func (e *Entry) Latency() time.Duration {
	ev := e.Event
	if ev.StageTimestamp.IsZero() || ev.RequestReceivedTimestamp.IsZero() {
		return 0
	}
	return ev.StageTimestamp.Sub(ev.RequestReceivedTimestamp.Time)
}

// Reset points the entry at a new event and forgets the parsed request.
func (e *Entry) Reset(ev *auditv1.Event, src *Source, line int64, node string) {
	*e = Entry{Event: ev, Source: src, Line: line, Node: node}
}

// Clone returns a deep copy of the entry that shares no memory with the
// reader's buffers, to keep after the call that received the entry returns.
func (e *Entry) Clone() *Entry {
	return &Entry{Event: e.Event.DeepCopy(), Source: e.Source, Line: e.Line, Node: e.Node}
}
