// Package format renders what the aggregate package counted, and audit
// entries one at a time, for people and for programs. It never reads logs.
//
// # Text views
//
// The text views are byte-compatible with the format strings of the
// reference tool, `kubectl-dev_tool audit` (openshift/cluster-debug-tools):
//
//   - [Listing] with [ListDefault]: one line per event,
//     "HH:MM:SS [  VERB][    duration] [code]\t URI\t [user]";
//     [ListWide] adds the auditID; [ListJSON] writes each event as one JSON
//     line, as the reference's -o json does.
//   - [WriteSummary]: "count: N, first: T, last: T, duration: D".
//   - [WriteCount]: "Nx\t key" rows of a top list (-o top --by=user and the
//     other simple keys).
//   - [WriteGrouped]: the -o top --by=verb and --by=httpstatus sections.
//   - [WriteTrackers]: the -o stats view of the apiserver.latency.k8s.io
//     annotations.
//
// The reference's defects are fixed: the status-code mix of a group counts
// every event of the group, ties are ordered by key (the aggregate package
// sorts them), and resource keys always carry their group version. Times
// are written in UTC (the reference wrote the summary line in the local time
// zone of the machine it ran on).
//
// Beyond the reference: [WriteHistogram] draws a time histogram in the
// terminal and [WriteChanges] lists the keys whose share grew most in a
// window of it ("what changed"); [WriteLatency] writes latency quantiles by
// key ("how fast, and for whom"); [WriteThrottling] writes the 429
// responses and APF queue waits by user, with the 429s per minute as bars
// ("who is being throttled, and since when"); [WriteFindings] writes what
// the findings package found, by severity, with evidence rows, RBAC rules
// and drill-down commands ("what is overloading the API"). Every aggregate
// view can be
// written as CSV ([WriteCountCSV], [WriteGroupedCSV], [WriteHistogramCSV],
// [WriteTrackersCSV], [WriteLatencyCSV], [WriteThrottlingCSV],
// [WriteChangesCSV], [WriteFindingsCSV]) and as a JSON [Document]; [Write]
// renders a Document in the [Encoding] --format names, in one call.
// [WriteReadReport] writes what could not be read. [WriteHTML] puts the
// views together on one self-contained HTML page (inline CSS, the
// histogram as inline SVG, a small inline script that its
// Content-Security-Policy allows by hash, no network), the findings first,
// to open offline or attach to a support case.
//
// # Untrusted text
//
// User names, URIs, user agents and most other strings of an audit event
// come from API clients. Every text view passes them through [Sanitize],
// which escapes control characters, so that a crafted user name cannot move
// the cursor, recolour the terminal or forge extra output lines. JSON
// output is escaped by encoding/json; CSV cells are sanitized too and
// guarded against spreadsheet formulas. The HTML page is written with
// html/template, which escapes every string for the place it appears in.
package format
