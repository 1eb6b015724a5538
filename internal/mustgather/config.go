package mustgather

import (
	"fmt"
	"strings"
	"time"
)

// Scenario is a set of planted culprits.
type Scenario uint8

// The scenarios. ScenarioMix is all of them together.
const (
	// ScenarioMetrics403 is the support lab's incident: a monitoring service
	// account GETs /api/v1/nodes/NODE/proxy/metrics for every worker node
	// and is refused with 403 every time. It makes the culprit the top user
	// with more than a third of all kube-apiserver requests.
	ScenarioMetrics403 Scenario = 1 << iota
	// ScenarioPodDelete is one human user deleting one pod.
	ScenarioPodDelete
	// ScenarioThrottled is a controller whose requests are rejected with 429
	// (API Priority and Fairness) during a burst.
	ScenarioThrottled
	// ScenarioOrdinary is what healthy components do all the time, which no
	// analysis should call a problem: leader election (three replicas of
	// one operator getting and renewing a lease every 2 s), kubelets'
	// node-status patches and lease renewals every 10 s, informers (a LIST
	// at resourceVersion=0, then watches that last their timeoutSeconds)
	// and a client-side kubectl apply of 40 objects. Its requests are
	// exact (no randomness in their counts) and listed in Truth.Planted.
	ScenarioOrdinary
	// ScenarioFindings plants, in the first 30 minutes (Duration must be at
	// least that), a pattern for each of the findings package's detectors,
	// each by users of its own, at exact counts listed in Truth.Planted:
	// refused requests (403 and 401), a hot loop, watch churn, LISTs from
	// etcd and repeated full LISTs, write churn, conflicts and invalid
	// writes, 5xx and 429 storms, slow webhooks and a slow etcd, requests
	// during an API server's shutdown, deprecated APIs, legacy and stale
	// tokens, webhooks with bad certificates, exec by humans and pod
	// security violations.
	ScenarioFindings

	// ScenarioMix is the support lab's scenarios at once: metrics-403,
	// pod-delete and throttled-controller.
	ScenarioMix = ScenarioMetrics403 | ScenarioPodDelete | ScenarioThrottled
)

var scenarioNames = []struct {
	name string
	s    Scenario
}{
	{"metrics-403", ScenarioMetrics403},
	{"pod-delete", ScenarioPodDelete},
	{"throttled-controller", ScenarioThrottled},
	{"ordinary", ScenarioOrdinary},
	{"findings", ScenarioFindings},
	{"mix", ScenarioMix},
}

// ParseScenario parses a comma-separated list of scenario names
// (metrics-403, pod-delete, throttled-controller, ordinary, findings, mix);
// "" and "none" are no scenario.
func ParseScenario(s string) (Scenario, error) {
	var out Scenario
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" || name == "none" {
			continue
		}
		found := false
		for _, n := range scenarioNames {
			if n.name == name {
				out |= n.s
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("mustgather: unknown scenario %q", name)
		}
	}
	return out, nil
}

// String lists the scenarios by name, comma-separated ("none" for none).
func (s Scenario) String() string {
	var names []string
	for _, n := range scenarioNames {
		if n.s != ScenarioMix && s&n.s != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// BadInput says how many broken inputs of each kind to inject. They go into
// kube-apiserver files only, at places drawn from the seed; Truth.Bad lists
// every one with its file and line.
type BadInput struct {
	// TruncatedGzip is the number of rotated .gz files whose compressed
	// stream is cut off after a complete line (at a flush point, with no
	// gzip trailer): every line before the cut decompresses, the rest of
	// the file is lost and not counted.
	TruncatedGzip int
	// CutLastLine is the number of files that end with half an event and no
	// newline (live files first).
	CutLastLine int
	// NonJSON is the number of extra lines that are not JSON events (klog
	// lines and JSON cut in the middle).
	NonJSON int
	// HostPrefix is the number of event lines prefixed with the node name
	// and a space ("master-0 {...}"); they are still events and counted.
	HostPrefix int
	// InvalidUTF8 is the number of event lines whose userAgent holds bytes
	// that are not UTF-8; encoding/json decodes them (as U+FFFD) and they
	// are counted.
	InvalidUTF8 int
	// HugeLine is the number of events with a responseObject big enough to
	// make the line at least HugeLineBytes long; they are valid and counted.
	HugeLine int
	// HugeLineBytes is the least length of a huge line; 0 means 1 MiB.
	HugeLineBytes int
}

// Total is the number of injections asked for.
func (b BadInput) Total() int {
	return b.TruncatedGzip + b.CutLastLine + b.NonJSON + b.HostPrefix + b.InvalidUTF8 + b.HugeLine
}

// Config says what Generate writes.
type Config struct {
	// Seed makes the output: the same Config gives the same content.
	Seed int64
	// Events is the number of kube-apiserver requests, each logged as one
	// ResponseComplete event; some also log a RequestReceived event and
	// watches a ResponseStarted event, on top. openshift-apiserver gets 10%
	// as many requests and oauth-apiserver 5%.
	Events int
	// Start is the time of the first request; zero means
	// 2022-02-07T22:15:16Z, as in the support lab.
	Start time.Time
	// Duration is the time the requests span; 0 means 2h44m42s.
	Duration time.Duration
	// Masters is the number of control-plane nodes, each running every API
	// server and writing its own files; 0 means 3.
	Masters int
	// Workers is the number of worker nodes (cluster-app-NN.dmz); 0 means 40.
	Workers int
	// Scenarios is the set of planted culprits.
	Scenarios Scenario
	// Files is the number of files per node and server: Files-1 rotated .gz
	// files and the live audit.log. Rotation is by time: file k holds the
	// events logged in the k-th of Files equal slices of Duration. 0 means 4.
	Files int
	// LiveFraction is the length of the live file's time slice relative to
	// a rotated file's (the live file is partly filled); 0 means 0.25.
	LiveFraction float64
	// GzipLevel is the compression level of rotated files; 0 means
	// gzip.DefaultCompression (6), the level of the files an API server
	// rotates (its log rotation compresses with Go's gzip defaults). It
	// changes the compressed bytes, never the content, but it changes what
	// inflating costs: level 1's shorter matches take about 1.2x the time
	// to inflate that level 6's take, per byte of JSON.
	GzipLevel int
	// Bad is the broken input to inject.
	Bad BadInput
	// Proxied makes the requests of openshift-apiserver and oauth-apiserver
	// for their API groups reach them through kube-apiserver, as in a real
	// cluster: kube-apiserver on the same node logs each of them too, with
	// the same auditID (it forwards its Audit-ID to aggregated servers
	// since Kubernetes 1.22, kubernetes#99237), received a hop earlier and
	// answered a hop later; their health checks reach them directly. Off,
	// the aggregated servers' requests are theirs alone and kube-apiserver's
	// log holds none of them: the committed samples were made so, before
	// the model, and keep their kube-apiserver logs.
	Proxied bool
	// Parallel is the number of files written at once; 0 means one per
	// (server, node) pair. The output does not depend on it.
	Parallel int
	// VaryURIs makes the objects named by gets, updates and watches of
	// single objects (by path or by fieldSelector=metadata.name) as many
	// as half the requests, as in a real cluster: most groups of the
	// grouped view (-o top --by=verb) then hold one or a few requests.
	// Every watch URI carries its own resourceVersion either way.
	VaryURIs bool
	// PlainNames names files as a vanilla kube-apiserver does, without
	// the node: audit-2022-02-07T22-15-16.123.log.gz and audit.log. With
	// more than one master, each master's files go in a folder of its own,
	// audit_logs/SERVER/NODE/.
	PlainNames bool
	// GatherGzip writes the live audit.log gzip too, as NODE-audit.log.gz
	// (at GzipLevel): what OpenShift's gather_audit_logs collects, since it
	// pipes every file it downloads through gzip (openshift/must-gather,
	// collection-scripts/gather_audit_logs). Off, the live file is plain,
	// as on the node.
	GatherGzip bool
}

// DefaultStart is the default Config.Start.
var DefaultStart = time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)

// DefaultDuration is the default Config.Duration.
const DefaultDuration = 2*time.Hour + 44*time.Minute + 42*time.Second

func (c Config) withDefaults() Config {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.UTC().Truncate(time.Microsecond)
	if c.Duration <= 0 {
		c.Duration = DefaultDuration
	}
	if c.Masters <= 0 {
		c.Masters = 3
	}
	if c.Workers <= 0 {
		c.Workers = 40
	}
	if c.Files <= 0 {
		c.Files = 4
	}
	if c.LiveFraction <= 0 {
		c.LiveFraction = 0.25
	}
	if c.GzipLevel == 0 {
		c.GzipLevel = 6
	}
	if c.Bad.HugeLineBytes <= 0 {
		c.Bad.HugeLineBytes = 1 << 20
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.Events < 0:
		return fmt.Errorf("mustgather: Events %d < 0", c.Events)
	case c.Masters > 250 || c.Workers > 999:
		return fmt.Errorf("mustgather: too many nodes (%d masters, %d workers)", c.Masters, c.Workers)
	case c.Duration < time.Second:
		return fmt.Errorf("mustgather: Duration %v < 1s", c.Duration)
	case c.GzipLevel < -2 || c.GzipLevel > 9:
		return fmt.Errorf("mustgather: GzipLevel %d out of range", c.GzipLevel)
	case c.LiveFraction > 1000:
		return fmt.Errorf("mustgather: LiveFraction %v > 1000", c.LiveFraction)
	case c.Files > 1000:
		return fmt.Errorf("mustgather: Files %d > 1000", c.Files)
	case c.Scenarios&ScenarioFindings != 0 && c.Duration < 30*time.Minute:
		return fmt.Errorf("mustgather: the findings scenario needs a Duration of 30 minutes or more, not %v", c.Duration)
	case c.Bad.TruncatedGzip < 0 || c.Bad.CutLastLine < 0 || c.Bad.NonJSON < 0 ||
		c.Bad.HostPrefix < 0 || c.Bad.InvalidUTF8 < 0 || c.Bad.HugeLine < 0:
		return fmt.Errorf("mustgather: negative bad-input count")
	case c.Bad.TruncatedGzip > c.Masters*(c.Files-1):
		return fmt.Errorf("mustgather: %d truncated gzip files asked for, only %d rotated kube-apiserver files", c.Bad.TruncatedGzip, c.Masters*(c.Files-1))
	case c.Bad.CutLastLine > c.Masters*c.Files:
		return fmt.Errorf("mustgather: %d cut last lines asked for, only %d kube-apiserver files", c.Bad.CutLastLine, c.Masters*c.Files)
	}
	return nil
}
