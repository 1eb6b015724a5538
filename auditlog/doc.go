// Package auditlog finds and reads Kubernetes API server audit logs:
// audit.k8s.io/v1 (and v1beta1) Event objects, one JSON object per line, in
// plain, gzip or zstd files, alone, in directories or in OpenShift
// must-gather trees.
//
// The unit that flows out of the package is the [Entry]: a decoded
// [auditv1.Event], the [Source] it came from, its line number and the request
// parsed from its requestURI.
//
// A [Reader] ([NewReader]) reads a list of sources ([Find]) in three ways:
//
//   - [Reader.All] is a Go iterator over every entry, in file and line
//     order, read by the calling goroutine, for simple use.
//   - [Reader.Scan] spreads the work over many workers. Each worker gets its
//     own [Sink], so sinks need no locks; they are merged by the caller after
//     Scan returns. This is the fast path, for counting.
//   - [Reader.Sorted] yields entries in time order, within a bounded window,
//     for listings.
//
// [Options] say which fields to decode, which entries to keep (Keep, run in
// the decoding goroutines), the longest line to read and where to report
// progress.
//
// All three decode with a purpose-built JSON decoder ([Decoder]) that fills only
// the event fields a caller asks for ([Fields]) and leaves request and
// response bodies as raw bytes. On amd64 machines with AVX2, a line of 256
// bytes or more is first classified 64 bytes at a time (the bytes a string
// cannot hold as they are: quotes, backslashes, control and non-ASCII
// bytes), so that the decoder jumps from one to the next; elsewhere, or
// when built with -tags noasm, it scans eight bytes at a time. Both give the
// same events, and the same errors for lines cut short.
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
// kind in a [Report], with file:line samples.
//
// Entries are reused: an entry handed to a sink or yielded by All is valid
// only until the call returns. Use [Entry.Clone] to keep one. The strings of
// an entry's event, and the raw bytes of its request and response objects,
// point into the block of input (256 KiB, or the line) it was read from. Scan, the fast path, reuses its blocks: the strings are valid only
// until Add returns, so clone what you keep (strings.Clone). All and Sorted
// never reuse a block: their strings stay valid, but keeping one keeps its
// block in memory, so clone those too before keeping them as map keys.
package auditlog
