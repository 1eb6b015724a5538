package format

import (
	"encoding/json"
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/findings"
)

// DocumentVersion is the version of the Document layout. It changes only
// when a field is removed or changes meaning; fields may be added.
const DocumentVersion = 1

// Document is the JSON form of an aggregate view, for jq and other
// programs. Exactly the parts of the view are set; the others are left out.
// Field names are stable (see DocumentVersion) and those of the aggregate
// result types, documented there. In all of them durations are integers in
// nanoseconds and times are RFC 3339 strings in UTC.
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
	// Top is a count by key (-o top --by=user and other simple keys).
	Top *aggregate.CountResult `json:"top,omitempty"`
	// Grouped are the grouped requests of -o top --by=verb|httpstatus.
	Grouped *aggregate.GroupedResult `json:"grouped,omitempty"`
	// Trackers are the latency annotations of -o stats.
	Trackers *aggregate.TrackersResult `json:"trackers,omitempty"`
	// Histogram is the time histogram of -o histogram.
	Histogram *aggregate.HistogramResult `json:"histogram,omitempty"`
	// Changes are the keys whose share grew most in the window of -o
	// histogram --window.
	Changes *aggregate.ChangeResult `json:"changes,omitempty"`
	// Latency is latency by key (-o latency).
	Latency *aggregate.LatencyResult `json:"latency,omitempty"`
	// Throttling are the 429s and queue waits of -o throttling.
	Throttling *aggregate.ThrottlingResult `json:"throttling,omitempty"`
	// Findings are what the findings detectors found (-o findings).
	Findings *findings.Result `json:"findings,omitempty"`
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
