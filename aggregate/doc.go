// Package aggregate counts audit-log entries as they stream past, in memory
// that grows with the number of distinct keys, never with the number of
// events.
//
// Every aggregator is an [auditlog.Sink]: a worker feeds it entries with Add,
// and never shares it. When the workers are done, their aggregators are
// combined with Merge, and Result returns a plain value (exported fields,
// stable json names) that the format package renders. Results are
// deterministic: the same input gives the same result, byte for byte,
// whatever the number of workers, the way the input was split between them
// and the order of the merges. Lists are sorted by count, largest first, and
// ties are broken by key.
//
// The aggregators are:
//
//   - [Count]: count by [Key], with an exact top-K (the reference tool's
//     -o top --by=user|resource|namespace).
//   - [Grouped]: requests grouped by path, query and user within each verb or
//     status code (-o top --by=verb|httpstatus), with status-code mix and
//     latency quantiles.
//   - [Histogram]: counts per time bucket overall and per key, the peak of
//     each key and a "what changed" comparison of a window with the rest.
//   - [Latency]: latency quantiles per key.
//   - [Summary]: count, first and last request time, counts per stage,
//     server and node (the reference's summary line).
//   - [Trackers]: the apiserver.latency.k8s.io/* annotations (-o stats).
//   - [Throttling]: 429 responses per user and per minute, and the API
//     Priority and Fairness queue wait.
//
// A [Set] feeds one worker's entries to several aggregators through a single
// sink and merges with another Set member by member, so that a caller that
// needs several results of one pass writes no multi-sink of its own; any
// type with the [auditlog.Aggregator] methods can join one. The members of
// a Set that count by one of the predefined keys (a count and a histogram
// by user, say) read and look up each entry's key once between them. A
// Set is an [auditlog.BatchSink]: a Scan hands it the lines of a block a
// few dozen at a time, and each member counts the batch in turn, its
// tables staying in the processor's caches for the batch.
//
// Keys are functions from an entry to bytes ([Key]); [KeyByName] turns the
// names the command line uses (user, verb, resource, "user,verb") into keys.
//
// For drilling down, Count, Grouped and Latency keep up to [MaxSamples]
// auditIDs per row when asked (KeepSamples; Row.Samples, Group.Samples,
// LatencyRow.Samples), for --uid to list. [Samples] chooses them by a fixed
// hash ([SampleHash]), so that they too are the same whatever the split
// between workers and the order of merges. Keeping them costs a hash of
// each entry's auditID and, until a row's samples are full, an offer;
// views that do not show them need not.
//
// Latency quantiles come from DDSketch (github.com/DataDog/sketches-go) with
// a relative accuracy of 1%: a returned quantile q̂ of a true quantile q
// satisfies |q̂-q| <= 0.01*q. Counts, sums, minimums and maximums are exact.
package aggregate
