package query

import (
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/format"
)

// viewKind is what a query answers with.
type viewKind int

const (
	viewList       viewKind = iota // no -o: one line per event
	viewWide                       // -o wide
	viewJSON                       // -o json: one JSON event per line
	viewTop                        // -o top[=N], -o csv[=N]
	viewStats                      // -o stats
	viewHistogram                  // -o histogram[=N]
	viewLatency                    // -o latency[=N]
	viewThrottling                 // -o throttling[=N]
	viewHTML                       // -o html[=N]: one page of every view
	viewFindings                   // -o findings: what overloads the API
	viewExport                     // Query.Export: the events as Parquet
)

// view is a parsed -o and --format.
type view struct {
	kind viewKind
	n    int // top N; 0 means every row
	enc  format.Encoding
}

// isListing reports whether the view lists events rather than aggregates.
func (v view) isListing() bool { return v.kind <= viewJSON }

// samples reports whether the view's rows carry sample auditIDs: in JSON
// and on the HTML page, to drill into with --uid (the text views of the
// reference have no room for them).
func (v view) samples() bool { return v.enc == format.JSON || v.kind == viewHTML }

// name is the view's name in a format.Document.
func (v view) name() string {
	switch v.kind {
	case viewStats:
		return "stats"
	case viewHistogram:
		return "histogram"
	case viewLatency:
		return "latency"
	case viewThrottling:
		return "throttling"
	case viewFindings:
		return "findings"
	}
	return "top"
}

// listStyle is the listing style of a listing view.
func (v view) listStyle() format.ListStyle {
	switch v.kind {
	case viewWide:
		return format.ListWide
	case viewJSON:
		return format.ListJSON
	}
	return format.ListDefault
}

// parseView parses -o and --format. -o csv[=N] is -o top[=N] --format=csv
// with every row by default.
func parseView(output, fmtName string) (view, error) {
	var v view
	enc, err := format.ParseEncoding(fmtName)
	if err != nil {
		return v, errorf("format", "invalid --format value %q: expected text, json or csv", fmtName)
	}
	v.enc = enc
	name, arg, hasArg := strings.Cut(output, "=")
	switch name {
	case "":
		v.kind = viewList
	case "wide":
		v.kind = viewWide
	case "json":
		v.kind = viewJSON
	case "top":
		v.kind, v.n = viewTop, 10
	case "csv":
		v.kind, v.enc = viewTop, format.CSV
	case "stats":
		v.kind = viewStats
	case "histogram":
		v.kind, v.n = viewHistogram, 10
	case "latency":
		v.kind, v.n = viewLatency, 10
	case "throttling":
		v.kind, v.n = viewThrottling, 10
	case "html":
		v.kind, v.n = viewHTML, 10
	case "findings":
		v.kind = viewFindings
	default:
		return v, errorf("output", "invalid --output value %q: expected top, top=N, wide, json, stats, csv, csv=N, histogram, latency, throttling, findings or html", output)
	}
	if hasArg {
		if v.kind == viewList || v.kind == viewWide || v.kind == viewJSON || v.kind == viewStats || v.kind == viewFindings {
			return v, errorf("output", "invalid --output value %q: only top, csv, histogram, latency, throttling and html take =N", output)
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return v, errorf("output", "invalid --output value %q: N must be a whole number of at least 1", output)
		}
		v.n = n
	}
	if v.isListing() && enc != format.Text {
		return v, errorf("format", "--format=%s applies to -o top, stats, csv, histogram, latency, throttling and findings, not to event listings (use -o json for JSON events)", fmtName)
	}
	if v.kind == viewHTML && v.enc != format.Text {
		return v, errorf("format", "--format=%s does not apply to -o html, which writes an HTML page", fmtName)
	}
	return v, nil
}
