package findings

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// Severity ranks findings: High first.
type Severity int

// The severities, lowest first.
const (
	// Low is worth knowing (deprecated APIs, humans exec-ing into pods).
	Low Severity = iota + 1
	// Medium costs the API server work it should not have to do, or will
	// break something later.
	Medium
	// High is a likely cause of an API server that is slow or failing now.
	High
)

var severityNames = [...]string{Low: "low", Medium: "medium", High: "high"}

// String is "low", "medium" or "high".
func (s Severity) String() string {
	if s >= Low && s <= High {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText writes the severity's name (JSON carries "high", not 3).
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	for v, name := range severityNames {
		if name != "" && name == string(b) {
			*s = Severity(v)
			return nil
		}
	}
	return fmt.Errorf("findings: unknown severity %q", b)
}

// Finding is one pattern found in the logs, with its evidence.
type Finding struct {
	// ID names the kind of finding, stably: "denied-storm", "hot-loop"...
	// (see the package documentation for the list).
	ID string `json:"id"`
	// Subject is what the finding is about when a kind can be found more
	// than once (the refused user of a denied storm, the layer of a slow
	// layer); "" otherwise. ID and Subject together are unique in a Result.
	Subject string `json:"subject,omitempty"`
	// Severity ranks the finding.
	Severity Severity `json:"severity"`
	// Title is a few words: "Requests refused again and again".
	Title string `json:"title"`
	// Summary is one sentence a newcomer understands, with the numbers.
	Summary string `json:"summary"`
	// Magnitude is the number of requests the finding accounts for.
	Magnitude int64 `json:"magnitude"`
	// Group says which part of Result.Findings the finding is in.
	Group Group `json:"group"`
	// Cost is the load of the finding's requests (those of every row that
	// qualified, shown or not).
	Cost
	// Onset is when the finding's threshold was first crossed, UTC, to the
	// minute (to the width of PerMinute's buckets past a day): for a
	// threshold a minute (hot-loop, write-churn), the first minute over
	// it; for a rate an hour, the first minute by whose end the hour
	// before held that many of a row's requests (or, when no hour did,
	// the minute the row's requests reached the rate times the capture's
	// hours); for a count (late requests, deprecated APIs, security, 5xx
	// seconds), the minute it was reached. A finding with several rows
	// has the earliest onset of its rows that qualify. Zero, and left out
	// of JSON, when the requests carry no time.
	Onset time.Time `json:"onset,omitzero"`
	// PerMinute is the finding's requests (those of every row that
	// qualified, shown or not) minute by minute over the whole capture:
	// what the onset was read from. Zero, and left out of JSON, when the
	// requests carry no time.
	PerMinute Series `json:"perMinute,omitzero"`
	// Numbers are the figures behind the finding.
	Numbers []Number `json:"numbers"`
	// ShareOf says what a row's Share is a share of.
	ShareOf string `json:"shareOf,omitempty"`
	// Rows are the evidence: the top offenders, largest first.
	Rows []Evidence `json:"rows"`
	// MoreRows is the number of qualifying rows left out (Options.Rows).
	MoreRows int `json:"moreRows,omitempty"`
	// Rules, for requests refused with 403, are the RBAC rules that would
	// have allowed them, for review (derived from the requests, as
	// audit2rbac does).
	Rules []RBACRule `json:"rules,omitempty"`
	// RBACYAML is Rules as apply-ready rbac.authorization.k8s.io/v1
	// objects (Roles or ClusterRole and their bindings to the refused
	// user), with a caution comment for each dangerous grant. Review it
	// before applying: it grants what was refused, not what should be.
	RBACYAML string `json:"rbacYAML,omitempty"`
	// Webhooks, for slow admission webhooks, are the webhooks the log
	// names on the slow requests, the most named first (see Webhook for
	// what the log can name).
	Webhooks []Webhook `json:"webhooks,omitempty"`
	// Command is the kubectl audit command that drills into the first row.
	Command string `json:"command"`
}

// Cost is the load that requests put on the API server.
type Cost struct {
	// ServerSeconds is the summed latency of the requests whose latency is
	// known, long-running requests (watch, exec, attach, port-forward,
	// proxy, log follow) left out, and the APF queue wait of 429s too.
	ServerSeconds float64 `json:"serverSeconds"`
	// QueueSeconds is the time requests refused with 429 waited in API
	// Priority and Fairness queues (apf-queue-wait): waiting, not work.
	QueueSeconds float64 `json:"queueSeconds,omitempty"`
}

// add adds o to c.
func (c *Cost) add(o Cost) {
	c.ServerSeconds += o.ServerSeconds
	c.QueueSeconds += o.QueueSeconds
}

// Group is the part of Result.Findings a finding is in.
type Group string

// The groups, in the order of Result.Findings.
const (
	// GroupLoad: work the API server should not have to do (hot loops,
	// churn, expensive lists, slow layers).
	GroupLoad Group = "load"
	// GroupErrors: requests refused or failed (denied, throttled, 5xx,
	// conflicts, invalid writes, requests during shutdown).
	GroupErrors Group = "errors"
	// GroupHygiene: hygiene and security (deprecated APIs, tokens,
	// certificates, exec by people, pod security).
	GroupHygiene Group = "hygiene-security"
)

// onsetTime is the UTC time of Unix nanoseconds; zero for 0.
func onsetTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// groupRank orders the groups.
func groupRank(g Group) int {
	switch g {
	case GroupLoad:
		return 0
	case GroupErrors:
		return 1
	}
	return 2
}

// Number is one labelled figure.
type Number struct {
	// Name says what is counted or measured.
	Name string `json:"name"`
	// Value is the figure, in Unit.
	Value float64 `json:"value"`
	// Unit is "requests", "seconds", "percent", "per minute", "per hour" or
	// "" (a plain count).
	Unit string `json:"unit,omitempty"`
}

// The units of a Number.
const (
	UnitRequests  = "requests"
	UnitSeconds   = "seconds"
	UnitPercent   = "percent"
	UnitPerMinute = "per minute"
	UnitPerHour   = "per hour"
)

// Evidence is one row of a finding: an offender and what it did.
type Evidence struct {
	// Offender is who did it: a user (user.username, with [fieldManager]
	// where the finding is about writes), a user agent, a webhook's host
	// name, or "" when the row is about a resource.
	Offender string `json:"offender"`
	// What is what it did: a verb and a path with its variable parts
	// folded ({name}, {namespace}), a resource, a layer...
	What string `json:"what"`
	// Count is the number of requests of the row.
	Count int64 `json:"count"`
	// Cost is the load of the row's requests.
	Cost
	// Share is Count as a share (0 to 1) of what Finding.ShareOf says.
	Share float64 `json:"share"`
	// First and Last are the first and last requestReceivedTimestamp of
	// the row's requests, UTC.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Status is the status-code mix of the row's requests, by code (-1
	// for none).
	Status []aggregate.StatusCount `json:"status"`
	// Numbers are figures of the row (peak per minute, median lifetime,
	// latency...).
	Numbers []Number `json:"numbers,omitempty"`
	// Samples are up to 10 auditIDs of the row's requests, chosen
	// deterministically (see the package documentation).
	Samples []string `json:"samples"`
	// Command drills into the row's offender (kubectl audit --user ...
	// --by=verb -otop, or the like).
	Command string `json:"command"`
	// SamplesCommand lists the sample requests (kubectl audit --uid ...).
	SamplesCommand string `json:"samplesCommand,omitempty"`
}

// RBACRule is a rule of a Role (Namespace set) or ClusterRole (Namespace
// ""), in the fields of rbac.authorization.k8s.io/v1 PolicyRule.
type RBACRule struct {
	// Namespace is the namespace of a Role; "" for a ClusterRole.
	Namespace       string   `json:"namespace,omitempty"`
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources,omitempty"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
	Verbs           []string `json:"verbs"`
}

// Dropped counts the requests a detector did not keep.
type Dropped struct {
	// Detector names the detector.
	Detector string `json:"detector"`
	// Requests is the number of requests not kept. For DroppedLetGo it
	// depends on how the input was split between workers.
	Requests int64 `json:"requests"`
	// Why says why: DroppedTableFull or DroppedLetGo.
	Why string `json:"why"`
	// AtMost is, for DroppedLetGo, the most requests an object without a
	// row may have had. It too depends on the split between workers.
	AtMost int64 `json:"atMost,omitempty"`
}

// The reasons of Dropped.
const (
	// DroppedTableFull: a table held Options.MaxKeys keys, and requests
	// with a new key were not counted by it.
	DroppedTableFull = "table-full"
	// DroppedLetGo: a per-object table held Options.ObjectRows objects
	// and let go of those requested least to keep the busiest, and from
	// then on let go of the first two requests of an object new to it; a
	// finding's row whose count may be short says by how much.
	DroppedLetGo = "let-go"
)

// Result is what the detectors found.
type Result struct {
	// Requests is the number of requests looked at (events at stage
	// ResponseComplete or Panic; each request once).
	Requests int64 `json:"requests"`
	// ServerSeconds is the server time of all requests (see
	// Cost.ServerSeconds): what a finding's ServerSeconds is a share of.
	ServerSeconds float64 `json:"serverSeconds"`
	// First and Last are the first and last requestReceivedTimestamp, UTC.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Findings are by group: GroupLoad first, by ServerSeconds then
	// Magnitude (largest first); then GroupErrors and GroupHygiene, each by
	// severity (highest first) then Magnitude; ties by ID and Subject.
	Findings []Finding `json:"findings"`
	// Dropped lists the detectors that did not keep every request;
	// empty when every request was counted.
	Dropped []Dropped `json:"dropped,omitempty"`
}

// finish rounds the figures of findings (to 3 decimals, shares to 4), so
// that results read well and compare exactly, and orders them as
// Result.Findings are.
func finish(fs []Finding) []Finding {
	round := func(v float64, scale float64) float64 { return math.Round(v*scale) / scale }
	for i := range fs {
		f := &fs[i]
		for j := range f.Numbers {
			f.Numbers[j].Value = round(f.Numbers[j].Value, 1e3)
		}
		f.ServerSeconds, f.QueueSeconds = round(f.ServerSeconds, 1e3), round(f.QueueSeconds, 1e3)
		for j := range f.Rows {
			r := &f.Rows[j]
			r.Share = round(r.Share, 1e4)
			r.ServerSeconds, r.QueueSeconds = round(r.ServerSeconds, 1e3), round(r.QueueSeconds, 1e3)
			for k := range r.Numbers {
				r.Numbers[k].Value = round(r.Numbers[k].Value, 1e3)
			}
		}
	}
	sortFindings(fs)
	return fs
}

// sortFindings orders findings as Result.Findings are.
func sortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(groupRank(a.Group), groupRank(b.Group)); c != 0 {
			return c
		}
		if a.Group == GroupLoad {
			if c := cmp.Compare(b.ServerSeconds, a.ServerSeconds); c != 0 {
				return c
			}
		} else if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(b.Magnitude, a.Magnitude), cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.ID, b.ID), cmp.Compare(a.Subject, b.Subject))
	})
}
