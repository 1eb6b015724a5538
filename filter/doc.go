// Package filter decides which audit events to keep.
//
// Every question is a Filter: a small predicate over an auditlog.Entry that
// declares the event fields it reads (so the reader decodes only those),
// allocates nothing per event and prints itself back in the command-line
// syntax it came from. Filters compose with And, Or and Not.
//
// Flags.Build turns the flag values of `kubectl-dev_tool audit` (plus a few
// more) into one Filter, with the reference tool's semantics:
//
//   - most string flags use "accept lists": a value is an exact string,
//     "prefix*", "-exact" (exclude) or "-prefix*" (exclude a prefix). A value is
//     rejected if any exclusion matches it, accepted if every value given is an
//     exclusion, and otherwise accepted if an exact or prefix value matches it.
//     "*" alone accepts everything, "-*" alone rejects everything (except for
//     --subresource, where "-*" alone means "no subresource").
//   - --resource takes group/resource patterns (see Resources).
//   - an empty Flags matches every event; in particular an empty Stages means
//     any stage (the CLI's ResponseComplete default is the CLI's business).
//
// Where the reference tool is buggy, the filters here do what it meant; each
// such place is documented on the constructor.
//
// # Questions nobody wrote a flag for: --where
//
// Where (Flags.Where, --where, repeatable) keeps the events for which a CEL
// expression is true: the language of Kubernetes' validation rules and
// admission policies, over the event as its JSON field names, plus latency,
// the parsed request, server and node (see Where for every name):
//
//	user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403
//	latency > duration('2s') && verb == 'list'
//	'pod-security.kubernetes.io/audit-violations' in annotations
//	request.query['resourceVersion'] == '0' && request.query['limit'] != ''
//
// An expression is compiled once, before anything is read (a mistake is a
// *FlagError with its line:column), shared by every worker, and reads only
// the fields it names. A field or map key the event lacks reads as its zero
// value. It costs about 130 ns per event for a two-clause expression (a
// flag: under 10 ns) and, unlike the other filters, allocates a few small
// CEL values per event; on a whole run, where decoding dominates, the same
// question takes about as long asked either way. An event it cannot be
// evaluated on is not kept, and counted: WhereFailures.
package filter
