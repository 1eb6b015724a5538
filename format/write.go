package format

import (
	"fmt"
	"io"
)

// Encoding is how Write writes a Document.
type Encoding int

// The encodings of --format.
const (
	// Text is the reference tool's text views: the summary line, then the
	// view (nothing at all when no event was counted, as the reference).
	Text Encoding = iota
	// JSON is the Document as one indented JSON object (WriteDocument).
	JSON
	// CSV is the view's table as CSV, with a header row.
	CSV
)

// ParseEncoding returns the encoding named text, json or csv ("" is text).
func ParseEncoding(name string) (Encoding, error) {
	switch name {
	case "", "text":
		return Text, nil
	case "json":
		return JSON, nil
	case "csv":
		return CSV, nil
	}
	return Text, fmt.Errorf("format: unknown encoding %q: expected text, json or csv", name)
}

// String is the encoding's name, as ParseEncoding reads it.
func (e Encoding) String() string {
	switch e {
	case JSON:
		return "json"
	case CSV:
		return "csv"
	}
	return "text"
}

// Write writes the view d holds (d.View: top, stats, histogram, latency,
// throttling or findings) in enc: in Text, the summary line then the view's
// text ([WriteCount], [WriteGrouped], [WriteTrackers], [WriteHistogram] and
// [WriteChanges], [WriteLatency], [WriteThrottling], [WriteFindings]); in
// JSON, the whole
// Document; in CSV, the view's table ([WriteChangesCSV] rather than the
// histogram's when d holds Changes). A Document whose view lacks its
// result is an error.
func Write(w io.Writer, d Document, enc Encoding) error {
	if enc == JSON {
		return WriteDocument(w, d)
	}
	if d.Summary == nil {
		return fmt.Errorf("format: the %s document has no summary", d.View)
	}
	csv := enc == CSV
	// Text views but stats print nothing when no event was counted.
	empty := !csv && d.Summary.Count == 0 && d.View != "stats"
	var body func(w io.Writer) error
	switch {
	case d.View == "top" && d.Grouped != nil:
		g := *d.Grouped
		body = pick(csv, func(w io.Writer) error { return WriteGroupedCSV(w, g) },
			func(w io.Writer) error { return WriteGrouped(w, g) })
	case d.View == "top" && d.Top != nil:
		c := *d.Top
		body = pick(csv, func(w io.Writer) error { return WriteCountCSV(w, c) },
			func(w io.Writer) error { return WriteCount(w, c) })
	case d.View == "stats" && d.Trackers != nil:
		t := *d.Trackers
		if csv {
			return WriteTrackersCSV(w, t)
		}
		// The stats view writes its own summary line.
		return WriteTrackers(w, *d.Summary, t)
	case d.View == "histogram" && d.Histogram != nil:
		body = pick(csv, func(w io.Writer) error { return histogramCSV(w, d) },
			func(w io.Writer) error { return histogramText(w, d) })
	case d.View == "latency" && d.Latency != nil:
		l := *d.Latency
		body = pick(csv, func(w io.Writer) error { return WriteLatencyCSV(w, l) },
			func(w io.Writer) error { return WriteLatency(w, l) })
	case d.View == "throttling" && d.Throttling != nil:
		t := *d.Throttling
		body = pick(csv, func(w io.Writer) error { return WriteThrottlingCSV(w, t) },
			func(w io.Writer) error { return WriteThrottling(w, t, ThrottlingOptions{}) })
	case d.View == "findings" && d.Findings != nil:
		f := *d.Findings
		body = pick(csv, func(w io.Writer) error { return WriteFindingsCSV(w, f) },
			func(w io.Writer) error { return WriteFindings(w, f) })
	default:
		return fmt.Errorf("format: the %s document lacks its result", d.View)
	}
	if csv {
		return body(w)
	}
	if empty {
		return nil
	}
	if err := WriteSummary(w, *d.Summary); err != nil {
		return err
	}
	return body(w)
}

// pick returns the CSV writer or the text one.
func pick(csv bool, csvWriter, text func(io.Writer) error) func(io.Writer) error {
	if csv {
		return csvWriter
	}
	return text
}

// histogramText writes the histogram, then the window's changes if any.
func histogramText(w io.Writer, d Document) error {
	if err := WriteHistogram(w, *d.Histogram, HistogramOptions{}); err != nil || d.Changes == nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return WriteChanges(w, *d.Changes, d.Histogram.By)
}

// histogramCSV writes the window's changes when there are, else the
// histogram.
func histogramCSV(w io.Writer, d Document) error {
	if d.Changes != nil {
		return WriteChangesCSV(w, *d.Changes, d.Histogram.By)
	}
	return WriteHistogramCSV(w, *d.Histogram)
}
