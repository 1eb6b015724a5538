package auditparquet

import (
	"encoding/json"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
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

// interner shares equal strings: a reader's dictionaries' values between
// row groups. It holds at most a bounded number of strings: past that, it
// starts afresh.
type interner struct {
	m map[string]string
}

// internLimit bounds the strings an interner holds.
const internLimit = 1 << 16

// add keeps v, a string of its own, and returns it.
func (in *interner) add(v string) string {
	if in.m == nil || len(in.m) >= internLimit {
		in.m = make(map[string]string)
	}
	in.m[v] = v
	return v
}

// bytes returns a string of b's bytes, with memory of its own, the same
// string for equal bytes.
func (in *interner) bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := in.m[string(b)]; ok {
		return v
	}
	return in.add(string(b))
}
