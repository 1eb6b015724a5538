// Package mustgather writes deterministic, OpenShift must-gather-shaped
// audit-log trees for tests and benchmarks, with the exact answers a correct
// analysis must give written beside them.
//
// Generate streams events straight to disk: per node, rotated gzip files
// (NODE-audit-2022-02-07T22-15-16.123.log.gz) and the live plain NODE-audit.log,
// for kube-apiserver, openshift-apiserver and oauth-apiserver, plus the
// non-log files a real must-gather holds in those folders. The same Config
// and Seed always give the same bytes (before compression).
//
// Scenarios plant known culprits over a realistic background (nodes,
// controllers, operators' service accounts, humans): a monitoring service
// account refused with 403 on /api/v1/nodes/NODE/proxy/metrics for every
// worker node, a user deleting a pod, a controller throttled with 429s.
// BadInput injects broken input at known places. Truth records what was
// written, counted while writing: totals per server and stage, top users,
// resources and namespaces, and the scenario and bad-input answers.
package mustgather
