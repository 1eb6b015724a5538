// Package auditlens answers the question support engineers ask when a
// Kubernetes or OpenShift API server is slow or flapping: who and what is
// hitting the API, how often, how fast, and who did that. Its input is the
// API server's audit log, as an OpenShift must-gather collects it.
//
// The work is done by five packages, through which data flows one way:
//
//   - auditlog finds audit logs (files, directories, must-gather trees;
//     plain, gzip or zstd) and decodes their lines into entries, in
//     parallel, with a decoder that fills only the event fields asked for;
//   - filter keeps or drops each entry (--verb, --user, --resource... with
//     the semantics of kubectl-dev_tool audit, and more);
//   - aggregate counts what is kept, one aggregator per worker, merged at
//     the end: top users and resources, requests grouped by URI with their
//     status codes and latencies, time histograms, latency quantiles;
//   - findings looks for the patterns that overload an API server
//     (requests refused again and again, hot loops, watch churn, LISTs from
//     etcd, write churn, 5xx and 429 storms, slow layers...), with
//     mergeable detectors like aggregate's, and gives each finding its
//     evidence and a drill-down command;
//   - format renders the results as the reference tool's text, or as JSON
//     or CSV.
//
// Beside them, export writes events as Parquet (partitioned by cluster,
// date and hour) for DuckDB, Spark, Trino or ClickHouse, and auditlog reads
// such an export back as a source, by columns, faster than the logs, once
// auditlog/parquetsource is imported (query imports it; auditlog alone
// links no Parquet library).
//
// One typed parallel scan, auditlog.Scan, does the wiring for every
// caller: it makes one aggregator per worker (an aggregate aggregator, an
// aggregate.Set of several, findings.Detectors, an export sink, or any
// type with Add, Fields and Merge), feeds each what its worker decodes,
// decoding only the fields the aggregators and the filter declare, and
// merges them. By default it reads requests: the ResponseComplete event of
// each, counted once across API servers, as kubectl-audit counts them.
// Who is hitting the API, in a program:
//
//	sources, err := auditlog.Find("must-gather.local.123")
//	users, report, err := auditlog.Scan(ctx, sources, auditlog.Options{},
//		func() *aggregate.Count { return aggregate.NewCount(aggregate.KeyUser) })
//	for _, row := range users.Result(5).Rows { fmt.Println(row.Count, row.Key) }
//
// Package query answers the command's questions by their flags, on the
// same scan: a query.Query holds the values of the command's flags and
// Run answers it with the values the format package renders; each view
// (-o top, stats, histogram, latency, throttling, findings, html, the
// listings) is a file of its own there. examples/kubectl-audit is a thin
// kubectl plugin that maps the flags of kubectl-dev_tool audit onto a
// query. The examples below are the three jobs an importer does: top
// users, findings, a Parquet export.
//
// Memory grows with the number of distinct keys counted, never with the
// number of events read.
package auditlens
