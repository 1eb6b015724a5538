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
// Two more scenarios plant exact streams of requests, with their own
// random numbers (the background does not change): ScenarioFindings, a
// pattern for each detector of the findings package (refused requests, a
// hot loop, watch churn, LISTs from etcd, write churn, 5xx and 429
// storms, slow layers, late requests, deprecated APIs, security), and
// ScenarioOrdinary, what healthy components do (leader election, kubelets,
// informers, kubectl apply), which no detector may report.
// BadInput injects broken input at known places. Truth records what was
// written, counted while writing: totals per server and stage, top users,
// resources and namespaces, the scenario and bad-input answers, and every
// planted stream (Truth.Planted).
package mustgather
