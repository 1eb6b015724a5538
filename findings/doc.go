// Package findings names what is overloading an API server, from its
// audit log: the patterns experts look for, each with the numbers, the
// evidence (the top offenders with their count, share, first and last
// time, status-code mix and sample auditIDs) and the exact kubectl audit
// command that drills into it.
//
// [New] returns every detector as one [Detectors], an aggregator like
// those of the aggregate package: an auditlog.Sink with Add, Fields and
// Merge, one per worker of a Scan, merged when the Scan is done, which
// looks at each entry once; memory grows with the distinct keys it
// counts (users, objects, user and resource pairs), never with the
// requests, and every table is bounded by Options.MaxKeys (what does not
// fit is counted in Result.Dropped), but the per-object table that
// hot-loop and write-churn read, which keeps the Options.ObjectRows
// objects requested most and lets go of the others, and once it has let
// some go, the first two requests of each object new to it (see
// Options.ObjectRows).
//
// Every finding says when its threshold was first crossed (Finding.Onset)
// and carries its requests minute by minute over the capture
// (Finding.PerMinute), for a sparkline or a chart. The rows a threshold is
// about (the refused requests of a user, a LIST's user and resource, a
// layer, a detector's total...; not every table's rows) count their
// requests over time in a series of at most 1,440 buckets (a day of
// minutes; past it the buckets double in width until they fit, and the
// onset is to that width): at most 11.5 KB a row whatever the requests,
// and a table's at most that times its keys (Options.MaxKeys). The
// per-object table of hot-loop and write-churn counts by the minute
// already, in its Options.ObjectRows rows. Series merge exactly,
// whatever the split between workers.
// [Detectors.Result] returns
// the findings by the load they put on the API server: each carries its
// server time (Cost: the summed latency of its requests, long-running
// ones left out, the APF queue wait of 429s apart) and its Group; the
// load comes first, costliest first, then the errors, then hygiene and
// security, each by severity. Only the last event of a request (stage ResponseComplete or Panic)
// counts.
//
// Each detector is one file of the package that registers itself; the
// detectors, and the IDs of the findings they report:
//
//   - denied storms (denied-storm, one per user): requests refused with
//     401 or 403 again and again, with the RBAC rules that would allow the
//     403s;
//   - loops on one object (hot-loop, write-churn), from one table of each
//     user's requests of each object, minute by minute: one user
//     requesting one object more than Options.HotLoopPerMinute times a
//     minute, sustained; server-side applies and updates of one object
//     over and over;
//   - watch churn (watch-churn): watches that end long before their
//     timeoutSeconds;
//   - lists (etcd-lists, repeated-lists): LISTs the API server must read
//     from etcd, and LISTs at resourceVersion=0 with a limit repeated;
//   - refused writes (write-conflicts, invalid-writes): 409 and 422
//     responses;
//   - error storms (server-errors, throttled): seconds with 5xx responses,
//     429 responses and their APF queue waits;
//   - slow layers (slow-layer, one per layer): where slow requests spent
//     their time (etcd, admission webhooks, serialization, response
//     writing, APF queues), from the apiserver.latency.k8s.io annotations,
//     with the admission webhooks the log names on them (see Webhook: every
//     mutating webhook called, a validating one only when it failed open);
//   - late requests (late-requests): requests that reached an API server
//     during its graceful shutdown (OpenShift's openshift.io/during-*
//     annotations);
//   - deprecated APIs (deprecated-apis): deprecated API versions in use,
//     by user agent;
//   - security (legacy-tokens, stale-tokens, webhook-certificates,
//     exec-by-humans, pod-security-violations);
//   - access (anonymous-access, secrets-wide, privileged-bindings,
//     privileged-impersonation): risky access that was allowed; health
//     probes by system:anonymous are never a finding, and the known
//     exceptions (exceptions.go) are listed in one place.
//
// Every threshold is a field of [Options]; its documentation gives the
// default and where it comes from (API server and client-go behaviour,
// openshift/origin's audit-log checks). Defaults are the same on every
// platform, and chosen so that the ordinary behaviour of Kubernetes
// components (informers, leader election, kubelets, kubectl apply) is
// never a finding.
//
// # Samples
//
// A row's samples are up to 10 of its requests' auditIDs: those with the
// smallest aggregate.SampleHash of the auditID (ties by auditID; the hash
// is fixed, the same on every machine and run, and the aggregate package's
// rows choose their samples the same way), so that the
// choice depends only on the requests, never on their order or on how
// they were split between workers. The table that keeps a row per object
// (hot-loop, write-churn) only considers requests whose hash is in the
// lowest 16th of the range, which keeps its memory small; its rows
// have hundreds of requests, so they still get their samples, or nearly.
//
// # Commands
//
// Finding.Command and Evidence.Command are kubectl audit command lines
// (--user ... --by=verb -otop for an offender), and
// Evidence.SamplesCommand lists the samples (--uid ... -owide), with the
// -f paths of Options.Files (PathsPlaceholder when none) and every value
// quoted for a POSIX shell. They are text, not run: show them through
// format.Sanitize like any other string from a log.
package findings
