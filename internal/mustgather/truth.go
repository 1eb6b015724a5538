package mustgather

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Truth is what Generate wrote, counted while writing: the answers a
// correct reader and analysis must give. Unless said otherwise, counts are
// of kube-apiserver events at stage ResponseComplete (one per request), as
// the reference tool counts by default.
type Truth struct {
	Seed      int64     `json:"seed"`
	Scenarios string    `json:"scenarios"`
	Start     time.Time `json:"start"`
	Duration  string    `json:"duration"`
	// Masters are the control-plane node names, which name the files.
	Masters []string `json:"masters"`
	// Workers is the number of worker nodes (cluster-app-NN.dmz).
	Workers int `json:"workers"`
	// Servers counts every server's files, lines and events, all stages.
	Servers map[string]*ServerTruth `json:"servers"`
	// Kube is the count/first/last summary line of the reference tool.
	Kube Summary `json:"kube"`
	// Requests counts the requests of every server, each once: a request
	// kube-apiserver proxied to an aggregated server (Config.Proxied) is
	// logged by both and counted once, as kube-apiserver's. It is what a
	// reader counting each request once gets on the whole must-gather.
	Requests int64 `json:"requests"`
	// Users, Resources, Namespaces, Verbs and Codes count by the reference
	// tool's keys (Users: username, or username[fieldManager] when the URI
	// has a fieldManager; Resources: v1/RES for the core group,
	// GROUP/VERSION/RES for named groups, resource requests only;
	// Namespaces: from the URI, "" for cluster-scoped and non-resource
	// requests; Codes: responseStatus.code), biggest first, ties by key.
	Users      []KeyCount `json:"users"`
	Resources  []KeyCount `json:"resources"`
	Namespaces []KeyCount `json:"namespaces"`
	Verbs      []KeyCount `json:"verbs"`
	Codes      []KeyCount `json:"codes"`
	// PodSecurityViolations counts events with the annotation
	// pod-security.kubernetes.io/audit-violations.
	PodSecurityViolations int64 `json:"podSecurityViolations"`
	// LatencyAnnotated counts events with apiserver.latency.k8s.io/total.
	LatencyAnnotated int64 `json:"latencyAnnotated"`

	Metrics403 *Metrics403Truth `json:"metrics403,omitempty"`
	PodDelete  *PodDeleteTruth  `json:"podDelete,omitempty"`
	Throttled  *ThrottledTruth  `json:"throttled,omitempty"`
	// Planted lists the streams of planted requests of the ordinary and
	// findings scenarios, in the order they were planted.
	Planted []PlantedTruth `json:"planted,omitempty"`
	// Bad lists the injected broken input.
	Bad BadTruth `json:"bad"`
	// Files lists every audit log file written, by path.
	Files []FileTruth `json:"files"`
}

// ServerTruth counts what one API server's files hold.
type ServerTruth struct {
	Files  int   `json:"files"`
	Lines  int64 `json:"lines"`
	Events int64 `json:"events"`
	// Stages counts events by stage.
	Stages map[string]int64 `json:"stages"`
	// Requests counts ResponseComplete events.
	Requests int64 `json:"requests"`
	// Proxied counts the requests of an aggregated server that
	// kube-apiserver proxied to it, and logged too (Config.Proxied).
	Proxied int64 `json:"proxied,omitempty"`
}

// Summary is a count and the first and last requestReceivedTimestamp.
type Summary struct {
	Count    int64     `json:"count"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	Duration string    `json:"duration"`
}

// KeyCount is one row of a top list.
type KeyCount struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// Metrics403Truth is the metrics-403 scenario's answer.
type Metrics403Truth struct {
	Username string `json:"username"`
	// Requests counts all of the culprit's requests.
	Requests int64 `json:"requests"`
	// GETs counts its get requests, Forbidden its 403 responses.
	GETs      int64 `json:"gets"`
	Forbidden int64 `json:"forbidden"`
	// Nodes counts GET /api/v1/nodes/NODE/proxy/metrics per node (all 403),
	// biggest first.
	Nodes []KeyCount `json:"nodes"`
}

// PodDeleteTruth is the pod-delete scenario's answer.
type PodDeleteTruth struct {
	Username  string    `json:"username"`
	Namespace string    `json:"namespace"`
	Pod       string    `json:"pod"`
	Time      time.Time `json:"time"`
	AuditID   string    `json:"auditID"`
	// File and Line say where the ResponseComplete event is.
	File string `json:"file"`
	Line int64  `json:"line"`
}

// ThrottledTruth is the throttled-controller scenario's answer.
type ThrottledTruth struct {
	Username        string    `json:"username"`
	Requests        int64     `json:"requests"`
	TooManyRequests int64     `json:"tooManyRequests"`
	First429        time.Time `json:"first429"`
	Last429         time.Time `json:"last429"`
}

// PlantedTruth is one stream of planted requests (ScenarioOrdinary,
// ScenarioFindings): one user's requests of one verb on one resource or
// path, counted while writing (kube-apiserver ResponseComplete events).
type PlantedTruth struct {
	// Pattern names what the stream plants (hot-loop, denied-403,
	// leader-election...).
	Pattern string `json:"pattern"`
	// Finding is the ID of the finding the stream must produce (the
	// findings package's), "" for ordinary behaviour, which must produce
	// none.
	Finding string `json:"finding,omitempty"`
	// Username is user.username ("" for a client refused before
	// authentication); UserKey is the user as --by=user counts it
	// (username[fieldManager] when the URI has a fieldManager).
	Username  string `json:"username"`
	UserKey   string `json:"userKey"`
	UserAgent string `json:"userAgent"`
	SourceIP  string `json:"sourceIP"`
	Verb      string `json:"verb"`
	// Resource is the resource as --by=resource writes it, "" for a
	// non-resource path.
	Resource string `json:"resource,omitempty"`
	// Path is the requestURI's path, with {namespace} and {name} where
	// they vary from one request to the next, and for refused requests
	// (a denied storm's rows fold them).
	Path string `json:"path"`
	// Requests counts the stream's requests; Codes counts them by status
	// code.
	Requests int64            `json:"requests"`
	Codes    map[string]int64 `json:"codes"`
	// First and Last are the first and last requestReceivedTimestamp.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// BadTruth lists injected broken input.
type BadTruth struct {
	// Injected counts the injections made, by kind (truncated-gzip,
	// cut-last-line, non-json, host-prefix, invalid-utf8, huge-line).
	Injected map[string]int `json:"injected"`
	// Lines lists each one, by file and line.
	Lines []BadLine `json:"lines"`
}

// BadLine is one injection.
type BadLine struct {
	Kind string `json:"kind"`
	File string `json:"file"`
	// Line is the line number in the uncompressed file, from 1; for a
	// truncated gzip file, the last line that can be read.
	Line int64 `json:"line"`
	// Offset is the byte offset of the line in the uncompressed file; for a
	// truncated gzip file, the compressed size.
	Offset int64 `json:"offset"`
	// Bytes is the line's length without its newline.
	Bytes  int    `json:"bytes"`
	Detail string `json:"detail"`
}

// FileTruth is one audit log file.
type FileTruth struct {
	Path   string `json:"path"`
	Server string `json:"server"`
	Node   string `json:"node"`
	Gzip   bool   `json:"gzip"`
	// Lines counts lines, the last one even without a newline.
	Lines int64 `json:"lines"`
	// Events counts the lines that are events.
	Events int64 `json:"events"`
}

// tally counts what one writer wrote.
type tally struct {
	stages                [numStages]int64
	lines, events         int64
	requests, proxied     int64
	first, last           int64
	users, res, ns, verbs map[string]int64
	codes                 map[int]int64
	podsec, latAnn        int64
	storm                 Metrics403Truth
	stormNodes            map[string]int64
	thr                   ThrottledTruth
	podDelete             *PodDeleteTruth
	files                 []FileTruth
	bad                   []BadLine
	planted               map[*stream]*plantedCount
}

func newTally() *tally {
	return &tally{users: map[string]int64{}, res: map[string]int64{}, ns: map[string]int64{},
		verbs: map[string]int64{}, codes: map[int]int64{}, stormNodes: map[string]int64{},
		planted: map[*stream]*plantedCount{}}
}

// count counts a kube-apiserver ResponseComplete event.
func (t *tally) count(e *event, g *gen) {
	b := e.b
	if t.requests == 0 || e.recv < t.first {
		t.first = e.recv
	}
	if t.requests == 0 || e.recv > t.last {
		t.last = e.recv
	}
	t.requests++
	t.users[b.userKeys[e.actor]]++
	if b.res != nil {
		t.res[b.res.key]++
	}
	t.ns[e.nsKey()]++
	t.verbs[b.verb]++
	t.codes[e.code]++
	if e.p != nil {
		t.countPlanted(e)
		if e.p.annotated("pod-security.kubernetes.io/audit-violations") {
			t.podsec++
		}
	} else if e.podsec && b.res != nil && b.res.name == "pods" && b.verb == "create" && b.sub == "" {
		t.podsec++
	}
	if e.latencyAnnotated() {
		t.latAnn++
	}
	switch e.user() {
	case g.sysdig:
		t.storm.Requests++
		if b.verb == "get" {
			t.storm.GETs++
		}
		if e.code == 403 {
			t.storm.Forbidden++
		}
		if b == g.metrics {
			t.stormNodes[e.name]++
		}
	case g.inventory:
		t.thr.Requests++
		if e.code == 429 {
			if t.thr.TooManyRequests == 0 || e.recv < t.thr.First429.UnixMicro() {
				t.thr.First429 = time.UnixMicro(e.recv).UTC()
			}
			if t.thr.TooManyRequests == 0 || e.recv > t.thr.Last429.UnixMicro() {
				t.thr.Last429 = time.UnixMicro(e.recv).UTC()
			}
			t.thr.TooManyRequests++
		}
	}
}

// merge adds o to t.
func (t *tally) merge(o *tally) {
	for i := range t.stages {
		t.stages[i] += o.stages[i]
	}
	if o.requests > 0 {
		if t.requests == 0 || o.first < t.first {
			t.first = o.first
		}
		if t.requests == 0 || o.last > t.last {
			t.last = o.last
		}
	}
	t.lines += o.lines
	t.events += o.events
	t.requests += o.requests
	t.proxied += o.proxied
	for _, p := range []struct{ dst, src map[string]int64 }{{t.users, o.users}, {t.res, o.res}, {t.ns, o.ns}, {t.verbs, o.verbs}, {t.stormNodes, o.stormNodes}} {
		for k, v := range p.src {
			p.dst[k] += v
		}
	}
	for k, v := range o.codes {
		t.codes[k] += v
	}
	t.podsec += o.podsec
	t.latAnn += o.latAnn
	t.storm.Requests += o.storm.Requests
	t.storm.GETs += o.storm.GETs
	t.storm.Forbidden += o.storm.Forbidden
	if o.thr.TooManyRequests > 0 {
		if t.thr.TooManyRequests == 0 || o.thr.First429.Before(t.thr.First429) {
			t.thr.First429 = o.thr.First429
		}
		if t.thr.TooManyRequests == 0 || o.thr.Last429.After(t.thr.Last429) {
			t.thr.Last429 = o.thr.Last429
		}
	}
	t.thr.Requests += o.thr.Requests
	t.thr.TooManyRequests += o.thr.TooManyRequests
	if o.podDelete != nil {
		t.podDelete = o.podDelete
	}
	t.files = append(t.files, o.files...)
	t.bad = append(t.bad, o.bad...)
	for s, oc := range o.planted {
		c := t.planted[s]
		if c == nil {
			c = &plantedCount{codes: map[int]int64{}}
			t.planted[s] = c
		}
		if oc.n > 0 {
			if c.n == 0 || oc.first < c.first {
				c.first = oc.first
			}
			if c.n == 0 || oc.last > c.last {
				c.last = oc.last
			}
		}
		c.n += oc.n
		for code, n := range oc.codes {
			c.codes[code] += n
		}
	}
}

// sortedCounts turns a map into a top list: biggest first, ties by key.
func sortedCounts(m map[string]int64) []KeyCount {
	out := make([]KeyCount, 0, len(m))
	for k, v := range m {
		out = append(out, KeyCount{k, v})
	}
	slices.SortFunc(out, func(a, b KeyCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	return out
}

func codeCounts(m map[int]int64) []KeyCount {
	s := make(map[string]int64, len(m))
	for k, v := range m {
		s[strconv.Itoa(k)] = v
	}
	return sortedCounts(s)
}
