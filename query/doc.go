// Package query runs the questions of kubectl-audit in one call: a Query
// holds the values of the command's flags (what to read, the filter
// flags, -o, --by, --bucket, --window, --sort, --format, workers), and Run
// checks them, finds the input, reads it on every core and answers with a
// Result that Write renders as the command prints it, byte for byte.
//
// Run does the wiring every caller would otherwise write again:
//
//   - it checks every value before reading anything, and returns an
//     *Error that names the flag at fault;
//   - it resolves times given from the first or last event (--since=+10m,
//     --window=-1h,-30m) with a first pass that decodes only each event's
//     time;
//   - it picks the aggregators the view needs (an aggregate.Set per
//     worker), decodes only the event fields they and the filter read,
//     runs auditlog.Scan, which merges the workers' sets; a listing
//     instead reads the input in time order (auditlog.Reader.Sorted) as its
//     entries are iterated or written;
//   - it counts each request of a must-gather root once (the reader's
//     requests preset: auditlog.Options.EveryCopy), and keeps standard
//     input (-f -) in a
//     temporary file when it must read it twice;
//   - it stops when its context is done.
//
// Each view is a value in a file of its own (top.go, stats.go,
// histogram.go, latency.go, throttling.go, findings.go, html.go,
// listing.go) that registers its -o name, the flags it reads, the
// aggregators it adds to a worker's set and how it writes its answer;
// adding a view touches that file and its test.
//
// The Result holds values: a format.Document for the aggregate views, a
// format.HTMLReport for -o html, or the listing's entries; with the
// Summary of what the filters kept and the auditlog.Report of what was
// read and what could not be. WriteReport writes what the command prints
// on stderr; Err says when the input held no audit event at all (an
// *auditlog.NoEventsError, which the command makes exit status 1), as
// opposed to events that no filter kept.
package query
