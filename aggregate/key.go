package aggregate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// AppendFunc appends the key of e to dst and returns the extended slice. It
// returns ok false when e has no such key and must not be counted (the
// resource of a non-resource request, for instance). It must not keep e or
// any string of it.
type AppendFunc func(dst []byte, e *auditlog.Entry) (key []byte, ok bool)

// Key names the thing entries are counted by: a verb, a user, a resource, or
// a composite of several keys. The zero Key is not valid; use one of the
// predefined keys, [KeyByName], [NewKey], [Composite] or [TimeKey].
type Key struct {
	name    string
	fields  auditlog.Fields
	numeric bool
	parts   []Key
	fn      AppendFunc
	// predefined: one of the package's keys, which a Set numbers once for
	// all its members (keyTable); its name says what it reads.
	predefined bool
}

// NewKey returns a key with a name (used as a column header and in results),
// the event fields its function reads, and the function.
func NewKey(name string, fields auditlog.Fields, fn AppendFunc) Key {
	return Key{name: name, fields: fields, fn: fn}
}

// Name is the key's name: "user", "verb", or for a composite its parts'
// names joined by commas ("user,verb,resource").
func (k Key) Name() string { return k.name }

// Fields is the set of event fields the key reads.
func (k Key) Fields() auditlog.Fields { return k.fields }

// Numeric reports whether the key's values are integers (httpstatus) that
// sort by value rather than as text.
func (k Key) Numeric() bool { return k.numeric }

// Columns names the parts of a composite key, in order; a simple key has one
// column, its name.
func (k Key) Columns() []string {
	if len(k.parts) == 0 {
		return []string{k.name}
	}
	cols := make([]string, len(k.parts))
	for i, p := range k.parts {
		cols[i] = p.name
	}
	return cols
}

// Valid reports whether k can be used (it is not the zero Key).
func (k Key) Valid() bool { return k.fn != nil }

// Append appends the key of e to dst. See [AppendFunc].
func (k Key) Append(dst []byte, e *auditlog.Entry) ([]byte, bool) {
	return k.fn(dst, e)
}

// partSeparator separates the parts of a composite key in the bytes that
// Append produces. Results split keys on it again (Row.Parts), and display
// them joined by [DisplaySeparator].
const partSeparator = '\x1f'

// DisplaySeparator joins the parts of a composite key in Row.Key.
const DisplaySeparator = " "

// Composite returns the key made of all the given keys, in order. An entry
// that lacks any one of them is not counted. Composite of one key is that
// key.
func Composite(keys ...Key) Key {
	if len(keys) == 1 {
		return keys[0]
	}
	parts := slices.Clone(keys)
	names := make([]string, len(parts))
	var fields auditlog.Fields
	for i, p := range parts {
		names[i] = p.name
		fields |= p.fields
	}
	fn := func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		start := len(dst)
		for i, p := range parts {
			if i > 0 {
				dst = append(dst, partSeparator)
			}
			var ok bool
			if dst, ok = p.fn(dst, e); !ok {
				return dst[:start], false
			}
		}
		return dst, true
	}
	return Key{name: strings.Join(names, ","), fields: fields, parts: parts, fn: fn}
}

// displayKey turns the bytes of a stored key into Row.Key and Row.Parts.
func (k Key) displayKey(stored string) (key string, parts []string) {
	if len(k.parts) == 0 {
		return stored, nil
	}
	parts = strings.Split(stored, string(partSeparator))
	return strings.Join(parts, DisplaySeparator), parts
}

// KeyByName returns the key the command line calls name: one of
// [KeyNames], "time" (one-minute buckets) or "time=DURATION" (time=10s), or
// several of them separated by commas for a composite ("user,verb").
func KeyByName(name string) (Key, error) {
	var keys []Key
	for part := range strings.SplitSeq(name, ",") {
		part = strings.TrimSpace(part)
		k, err := simpleKeyByName(part)
		if err != nil {
			return Key{}, err
		}
		keys = append(keys, k)
	}
	return Composite(keys...), nil
}

func simpleKeyByName(name string) (Key, error) {
	for _, k := range namedKeys {
		if strings.EqualFold(k.name, name) {
			return k, nil
		}
	}
	if rest, ok := strings.CutPrefix(name, "time"); ok {
		return timeKeyByName(rest)
	}
	return Key{}, fmt.Errorf("aggregate: unknown key %q (want one of %s, time, time=DURATION)",
		name, strings.Join(KeyNames(), ", "))
}

// KeyNames lists the names of the predefined simple keys: the reference
// tool's (verb, user, resource, httpstatus, namespace), then the others.
// KeyByName also takes "time" and "time=DURATION", and composites.
func KeyNames() []string {
	names := make([]string, len(namedKeys))
	for i, k := range namedKeys {
		names[i] = k.name
	}
	return names
}
