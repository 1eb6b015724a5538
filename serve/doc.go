// Package serve answers the command's questions live: it receives audit
// events as the API server sends them (its audit webhook backend's
// EventList batches, POST /audit) or as another reader hands them over
// (Server.Ingest, a follower of log files), counts them a minute at a time
// with the command's own views (query.Live), keeps those minutes for a
// retention window, and answers GET /query with the command's flags as
// parameters, the same Document the command prints for those events.
//
// Data flows one way: a batch is accepted into a bounded queue (a full
// queue answers 429 with Retry-After, and the webhook backend retries),
// decoded by one of the workers with the reader's hardened decoder, and
// each event is added to its minute's counters of every standing query;
// a query merges the counters of the minutes of its window, leaving them
// as they were. Time is the events' own (requestReceivedTimestamp): the
// newest event received ends every window, and late batches land in
// their minute. Minutes past are merged into one copy (the workers' own
// copies sealed), and past the last ten minutes into ten-minute buckets:
// a window that reaches further back starts at the first bucket that
// starts in it. Memory is bounded by the buckets retained, the standing
// queries, the distinct keys of each bucket and the queue, never by
// events.
//
// GET /metrics serves Prometheus metrics; GET /healthz says the server
// is up. With Config.Parquet the events are also written as an export
// (package export), committed on every hour and at shutdown.
package serve
