package query

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/auditlens/auditlens/aggregate"
)

// InputFlags defines on f the flags that say what to read and which events
// to keep, bound to q: the reference tool's (same names, shorthands and
// defaults) and those beyond it. The command defines them with this, and a
// server reads its queries' parameters with them (ParseValues), so that a
// flag means the same everywhere.
func (q *Query) InputFlags(f *pflag.FlagSet) {
	fl := &q.Filters
	f.StringArrayVarP(&q.Paths, "filename", "f", nil, "Audit log files or directories (walked recursively; gzip and zstd are decompressed), - for standard input. Repeatable, comma-separated.")
	f.StringArrayVar(&fl.UIDs, "uid", nil, "Only match specific UIDs (auditID)")
	f.StringArrayVar(&fl.Verbs, "verb", nil, "Filter result of search to only contain the specified verb (eg. 'update', 'get', etc..)")
	f.StringArrayVar(&fl.Resources, "resource", nil, "Filter result of search to only contain the specified resource: RES (core group), RES.GROUP, RES.*, *.GROUP, *.*, -RES.GROUP to exclude")
	f.StringArrayVar(&fl.Subresources, "subresource", nil, "Filter result of search to only contain the specified subresources. \"-*\" means no subresource")
	f.StringArrayVarP(&fl.Namespaces, "namespace", "n", nil, "Filter result of search to only contain the specified namespace")
	f.StringArrayVar(&fl.Names, "name", nil, "Filter result of search to only contain the specified name")
	f.StringArrayVar(&fl.Users, "user", nil, "Filter result of search to only contain the specified user")
	f.BoolVar(&fl.FailedOnly, "failed-only", false, "Filter result of search to only contain http failures (code > 299)")
	f.StringArrayVar(&fl.HTTPStatusCodes, "http-status-code", nil, "Filter result of search to only certain http status codes (200,429)")
	f.StringVar(&fl.Before, "before", "", "Filter result of search to only before a timestamp (RFC 3339; no zone means UTC; a date; +D after the first event, -D before the last)")
	f.StringVar(&fl.After, "after", "", "Filter result of search to only after a timestamp (same forms as --before)")
	f.StringArrayVarP(&fl.Stages, "stage", "s", []string{DefaultStage}, "Filter result by event stage (eg. 'RequestReceived', 'ResponseComplete'); --stage= for every stage")
	f.StringVar(&fl.Duration, "duration", "", "Keep only requests that took at most this long to complete (stageTimestamp - requestReceivedTimestamp <= D), a Go duration such as 500ms or 2s")
	f.StringArrayVar(&fl.FieldManagers, "field-manager", nil, "Filter result of search to only contain the specified fieldManager query parameter")
	f.StringVar(&fl.PodSecurityViolations, "podsecurityviolations", "", "Only requests with a pod-security.kubernetes.io/audit-violations annotation: 'pod' (pods only) or 'all'")
	f.StringVar(&q.ArtifactDir, "artifact-dir", "", "Directory to traverse for artifact regex filter")
	f.StringVar(&q.ArtifactRegex, "artifact-regex", "", "Regex to use to filter log files in artifact directory (default .*audit.*.log(.gz)? when empty)")

	// Beyond the reference.
	f.StringArrayVar(&fl.ImpersonatedUsers, "impersonated-user", nil, "Only requests impersonating these users")
	f.StringArrayVar(&fl.Groups, "group", nil, "Only requests by users in these groups (user.groups)")
	f.StringArrayVar(&fl.UserAgents, "user-agent", nil, "Only requests whose userAgent starts with one of these (\"-prefix\" excludes)")
	f.StringArrayVar(&fl.UserAgentRegexps, "user-agent-regexp", nil, "Only requests whose userAgent matches this Go regular expression (repeatable, not comma-split)")
	f.StringArrayVar(&fl.SourceIPs, "source-ip", nil, "Only requests from these IP addresses or CIDRs")
	f.StringArrayVar(&fl.Where, "where", nil, "Only events for which this CEL expression is true, over the event's JSON fields and latency, request.*, server, node (repeatable, not comma-split; all must hold)")
	f.StringArrayVar(&fl.Annotations, "annotation", nil, "Only events with this annotation: KEY, KEY=VALUE or KEY~REGEXP (repeatable, not comma-split)")
	f.StringVar(&fl.Decision, "decision", "", "Only requests the authorizer decided so: allow or forbid")
	f.StringVar(&fl.MinLatency, "min-latency", "", "Only requests that took at least this long (Go duration)")
	f.StringArrayVar(&fl.Servers, "server", nil, "Only events of these API servers: kube-apiserver, openshift-apiserver, oauth-apiserver, oauth-server")
	f.StringArrayVar(&fl.Nodes, "node", nil, "Only events logged by these nodes (masters)")
	f.StringArrayVar(&fl.Levels, "level", nil, "Only events at these audit levels: None, Metadata, Request, RequestResponse")
	f.BoolVar(&fl.ReadOnly, "read-only", false, "Only read requests (get, list, watch)")
	f.BoolVar(&fl.WriteOnly, "write-only", false, "Only write requests (every verb but get, list, watch)")
	f.BoolVar(&fl.LongRunning, "long-running", false, "Only long-running requests (watch, exec, attach, port-forward, proxy, log follow), which -o latency and -o html's latency table leave out otherwise")
	f.StringVar(&fl.Since, "since", "", "Only requests received at or after this time: RFC 3339 (no zone: UTC), a date, +D after the first event (+10m), -D before the last (-10m: the last ten minutes)")
	f.StringVar(&fl.Until, "until", "", "Only requests received before this time (same forms as --since)")
	f.IntVar(&q.Workers, "workers", 0, "Number of goroutines reading and counting (0: one per core, GOMAXPROCS)")
}

// ViewFlags defines on f the flags that say what to answer, bound to q: -o
// and --format, and what the views read (--by, --bucket, --window,
// --sort).
func (q *Query) ViewFlags(f *pflag.FlagSet) {
	f.StringVarP(&q.Output, "output", "o", "", "Output format: top, top=N, wide, json, stats, csv, csv=N, histogram, latency, latency=N, throttling, throttling=N, findings, html, html=N (none: one line per event)")
	f.StringVar(&q.By, "by", "", "Key of -o top, csv, histogram and latency: verb, user, resource, httpstatus, namespace, or "+strings.Join(extraKeys(), ", ")+"; several joined by commas for a composite key (user,verb)")
	f.StringVar(&q.Format, "format", "text", "Encoding of -o top, stats, histogram, latency, throttling and findings: text, json or csv")
	f.StringVar(&q.Bucket, "bucket", "1m", "Bucket width of -o histogram and of the chart of -o html (Go duration)")
	f.StringVar(&q.Window, "window", "", "With -o histogram --by: also list the keys whose share grew most in FROM,TO against the rest of the log (each a time as --since takes it: RFC 3339, a date, +10m, -10m)")
	f.StringVar(&q.Sort, "sort", "", "Order of -o latency rows: count (default), p99, max or mean, largest first")
}

// extraKeys are the --by keys beyond the reference's five.
func extraKeys() []string {
	return append(aggregate.KeyNames()[5:], "time, time=DURATION")
}
