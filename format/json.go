package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/auditlens/auditlens/aggregate"
)

// DocumentVersion is the version of the Document layout. It changes only
// when a field is removed or changes meaning; fields may be added.
const DocumentVersion = 1

// Document is the JSON form of an aggregate view, for jq and other
// programs: the view's name, the filter, the summary, then the view's
// results, each a member of its own (top, grouped, trackers, histogram,
// changes, latency, throttling, findings). Field names are stable (see
// DocumentVersion) and those of the result types, documented there. In
// all of them durations are integers in nanoseconds and times are RFC
// 3339 strings in UTC.
type Document struct {
	// Version is DocumentVersion.
	Version int `json:"version"`
	// View names the view: "top", "stats", "histogram", "latency",
	// "throttling" or "findings".
	View string `json:"view"`
	// Filter is the filter the events passed, in flag syntax, "" for none.
	Filter string `json:"filter"`
	// Summary is the count and time range of the events that passed the
	// filter (the summary line).
	Summary *aggregate.SummaryResult `json:"summary,omitempty"`
	// Parts are the view's results, in the order they are written, each
	// under its own name after the summary.
	Parts []Part `json:"-"`
}

// Part is one result of a view in a Document: a member of its JSON object.
type Part struct {
	// Name is the member's name: "top" for an aggregate.CountResult,
	// "grouped", "trackers", "histogram", "changes", "latency",
	// "throttling", "findings".
	Name string
	// Value is the result, encoded with encoding/json.
	Value any
}

// Part returns the value of the part named name, nil when d has none.
func (d Document) Part(name string) any {
	for _, p := range d.Parts {
		if p.Name == name {
			return p.Value
		}
	}
	return nil
}

// MarshalJSON writes the document's fields, then each part as a member.
func (d Document) MarshalJSON() ([]byte, error) {
	type head Document // without the method
	b, err := json.Marshal(head(d))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // without the closing brace
	for _, p := range d.Parts {
		if p.Value == nil {
			continue
		}
		name, err := json.Marshal(p.Name)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(p.Value)
		if err != nil {
			return nil, fmt.Errorf("format: the %s part: %w", p.Name, err)
		}
		buf.WriteByte(',')
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads a document back: its fields, and every other
// member as a part whose Value is the member's json.RawMessage.
func (d *Document) UnmarshalJSON(b []byte) error {
	type head Document
	var h head
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	*d = Document(h)
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		switch name := tok.(string); name {
		case "version", "view", "filter", "summary":
		default:
			d.Parts = append(d.Parts, Part{Name: name, Value: value})
		}
	}
	return nil
}

// WriteDocument writes d as one indented JSON document followed by a
// newline. Its Version is set to DocumentVersion. Strings are escaped as
// encoding/json escapes them, and C1 controls and bidirectional overrides
// and isolates as \u escapes too (see jsonSafe).
func WriteDocument(w io.Writer, d Document) error {
	d.Version = DocumentVersion
	enc := json.NewEncoder(&jsonSafe{w: w})
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}
