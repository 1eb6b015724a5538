// Package auditlog finds and reads Kubernetes API server audit logs:
// audit.k8s.io/v1 (and v1beta1) Event objects, one JSON object per line, in
// plain, gzip or zstd files, alone, in directories or in OpenShift
// must-gather trees, or piped in ([Stdin]).
//
// # Shapes
//
// A file is read by what it holds, never by its name. Its compression is
// told by its first bytes (a .gz that is plain text is read as text and
// noted; one that is neither gzip nor text is reported, [NotCompressed]).
// Its layout is told by its first line: a JSON object alone on its line
// makes JSON lines, read in blocks of lines in parallel (the API server's
// format; a host name, fluentd or timestamp prefix is stripped, and the
// parts of a long line in a container runtime log, TIME STREAM P ... up to
// TIME STREAM F ..., are joined back, whatever comes between); a JSON
// array, a pretty-printed object, or an object whose records, items, events
// or logEvents array starts on its first line makes JSON documents, whose
// values are found by their brackets and the items of such arrays
// streamed one by one, so that a one-line export of gigabytes is read in
// the memory of one record. A UTF-8 byte-order mark is passed over, and
// UTF-16 text (as Windows PowerShell redirects output) is read as UTF-8.
//
// Each value, line or item, is an Event, or a wrapper the reader opens
// (see [Shape]): an EventList (items), a JSON array, Azure Monitor records
// (AKS: properties.log, a JSON string or object, of category kube-audit or
// kube-audit-admin), CloudWatch Logs records and aws logs output (EKS:
// @message or message), container log records (log), Cloud Logging entries
// (jsonPayload, or GKE's protoPayload below). The [Report] names per file
// what was found in which shape ([FileReport]), and [Report.Err] says when
// nothing at all was an event.
//
// A GKE Cloud Logging entry whose protoPayload is a
// google.cloud.audit.AuditLog of service k8s.io becomes an Event so:
//
//	auditID                   operation.id, else insertId
//	stage                     ResponseComplete (GKE writes one entry per request)
//	level                     Metadata; Request with protoPayload.request,
//	                          RequestResponse with protoPayload.response
//	verb                      the last part of methodName (io.k8s.core.v1.pods.get: get)
//	requestURI, objectRef     from resourceName, GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUB]]
//	                          with group core for the core group
//	                          (core/v1/namespaces/x/pods/y: /api/v1/namespaces/x/pods/y);
//	                          a resourceName that is not so (readyz) is a path (/readyz)
//	user.username             authenticationInfo.principalEmail
//	sourceIPs                 requestMetadata.callerIp
//	userAgent                 requestMetadata.callerSuppliedUserAgent
//	responseStatus.code       protoPayload.response.code when the response is a Status,
//	                          else status.code, a google.rpc code, as HTTP
//	                          (0: 200, 3: 400, 5: 404, 6: 409, 7: 403, 8: 429, 16: 401...)
//	responseStatus.message    status.message
//	requestReceivedTimestamp  timestamp
//	annotations               the string members of the entry's labels and of
//	                          protoPayload.metadata (authorization.k8s.io/decision...)
//	requestObject,
//	responseObject            protoPayload.request, protoPayload.response
//
// What GKE does not keep is missing: stageTimestamp (the latency is
// unknown), the user's groups, uid and extra, the impersonated user, the
// query string (?watch=true, limit, fieldManager); a create that succeeded
// has code 200, not 201. Other Cloud Audit Logs entries are not events.
//
// The unit that flows out of the package is the [Entry]: a decoded
// [auditv1.Event], the [Source] it came from, its line number and the request
// parsed from its requestURI.
//
// A list of sources ([Find]) is read in three ways:
//
//   - [Scan] spreads the work over every core: it makes one [Aggregator]
//     per worker (no locks), feeds each the entries its worker decodes,
//     and merges them. This is the fast path, for counting, and the one
//     path the command, package query, the benchmarks and importers take.
//   - [Reader.All] ([NewReader]) is a Go iterator over every entry, in file
//     and line order, read by the calling goroutine, for simple use.
//   - [Reader.Sorted] yields entries in time order, within a bounded window,
//     for listings.
//
// [Options] say which fields to decode, which entries to keep (Keep, a
// [Filter] that declares the fields it reads, run in the decoding
// goroutines), the longest line to read and where to report progress. By
// default the entries are requests: the ResponseComplete event of each,
// counted once when kube-apiserver and an aggregated API server both
// logged it, as kubectl-audit counts them; EveryStage and EveryCopy read
// every event as logged.
//
// All three decode with a purpose-built JSON decoder that fills only
// the event fields a caller asks for ([Fields]) and leaves request and
// response bodies as raw bytes. On amd64 machines with AVX2, a line of 256
// bytes or more is first classified 64 bytes at a time (the bytes a string
// cannot hold as they are: quotes, backslashes, control and non-ASCII
// bytes), so that the decoder jumps from one to the next; elsewhere, or
// when built with -tags noasm, it scans eight bytes at a time. Both give the
// same events, and the same errors for lines cut short.
//
// A source may also be a Parquet file written by package export (an
// export directory holds them: Find finds them, Open tells them by their
// content). Such a file is read by columns, only those that hold the
// fields asked for: Scan hands its row groups to the workers, Sorted merges
// the row groups of every Parquet file by time, and row groups whose time
// statistics fall outside Options.Since and Until are skipped unread.
// Parquet is read by package parquetsource, which a program imports for
// its effect ( import _ "github.com/auditlens/auditlens/auditlog/parquetsource" );
// without it, auditlog links no Parquet library and reports such a file as
// unreadable, naming that package.
//
// A line has one verdict, whatever fields are decoded: it is an event when
// it is valid JSON (as json.Valid says: invalid UTF-8 and lone surrogates
// are read as U+FFFD) holding an object, after an optional host-name or
// fluentd prefix, with an auditID or kind "Event" (or an EventList of
// them). The fields a reader skips are checked as thoroughly as the ones
// it decodes. A value of the wrong type for its field (a number for the
// verb, a timestamp that does not parse) does not make the line a
// failure: the field is left empty, as encoding/json leaves it, and the
// event is counted as [Repaired] when the field is one that was decoded.
//
// Lines that cannot be read are never dropped silently: they are counted by
// kind in a [Report], with file:line samples; so are Parquet files that
// export did not write or that are damaged.
//
// Entries are reused: an entry handed to a sink or yielded by All is valid
// only until the call returns. Use [Entry.Clone] to keep one. The strings of
// an entry's event, and the raw bytes of its request and response objects,
// point into the block of input (256 KiB, or the line) it was read from. Scan, the fast path, reuses its blocks: the strings are valid only
// until Add returns, so clone what you keep (strings.Clone). All and Sorted
// never reuse a block: their strings stay valid, but keeping one keeps its
// block in memory, so clone those too before keeping them as map keys.
package auditlog
