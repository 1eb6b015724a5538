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
package filter
