package aggregate

import (
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// Summary counts entries, finds the first and last request times, and
// counts entries per stage, per server and per node. The reference tool's
// summary line ("count: N, first: T, last: T, duration: D") comes from it.
type Summary struct {
	count  int64
	noTime int64
	timeSpan
	stages  map[string]*int64
	servers map[string]*int64
	nodes   map[string]*int64
	// The counters of the last few stages, servers and nodes seen: a run
	// of entries shares a handful, and comparing strings is cheaper than
	// looking them up.
	recentStages, recentServers, recentNodes recentCounts
	// source is the source of the last entry whose node was its source's
	// (most entries: a file's lines name no node of their own), and
	// server and node its counters: the next entry of that source and
	// node finds them with two pointer compares.
	source       *auditlog.Source
	server, node *int64
}

// recentCounts holds the counters of the last few keys looked up in a map.
type recentCounts struct {
	keys   [4]string // copies, never the entries' strings
	counts [4]*int64
	next   int
}

// get returns the count of key in m, as counter does.
func (r *recentCounts) get(m map[string]*int64, key string) *int64 {
	for i, c := range r.counts {
		if c != nil && r.keys[i] == key {
			return c
		}
	}
	c := counter(m, key)
	r.keys[r.next], r.counts[r.next] = strings.Clone(key), c
	r.next = (r.next + 1) % len(r.counts)
	return c
}

// NewSummary returns an empty summary.
func NewSummary() *Summary {
	return &Summary{
		stages:  make(map[string]*int64),
		servers: make(map[string]*int64),
		nodes:   make(map[string]*int64),
	}
}

// Fields is the set of event fields Summary reads.
func (s *Summary) Fields() auditlog.Fields {
	return auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStage
}

// Add counts e.
func (s *Summary) Add(e *auditlog.Entry) {
	s.count++
	s.addTime(e.Event.RequestReceivedTimestamp.Time, 1)
	*s.recentStages.get(s.stages, string(e.Event.Stage))++
	src := e.Source
	if src != nil && src == s.source && e.Node == src.Node {
		// e.Node is mostly src.Node itself: equal pointers, compared
		// without reading the bytes.
		*s.server++
		*s.node++
		return
	}
	var server string
	if src != nil {
		server = string(src.Server)
	}
	sc, nc := s.recentServers.get(s.servers, server), s.recentNodes.get(s.nodes, e.Node)
	*sc++
	*nc++
	if src != nil && e.Node == src.Node {
		s.source, s.server, s.node = src, sc, nc
	}
}

// addTime widens [first, last] to hold t; zero times are counted apart.
func (s *Summary) addTime(t time.Time, n int64) {
	if t.IsZero() {
		s.noTime += n
		return
	}
	s.add(t, t)
}

// Merge adds the counts of o to s. o is not changed.
func (s *Summary) Merge(o *Summary) {
	s.count += o.count
	s.noTime += o.noTime
	if !o.first.IsZero() {
		s.addTime(o.first, 0)
		s.addTime(o.last, 0)
	}
	for _, m := range [...]struct{ dst, src map[string]*int64 }{
		{s.stages, o.stages}, {s.servers, o.servers}, {s.nodes, o.nodes},
	} {
		for k, n := range m.src {
			mergeCount(m.dst, k, *n)
		}
	}
}

// SummaryResult is what a Summary counted.
type SummaryResult struct {
	// Count is the number of entries.
	Count int64 `json:"count"`
	// First and Last are the earliest and latest requestReceivedTimestamp,
	// UTC; zero when no entry had one.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Duration is Last - First (nanoseconds in JSON).
	Duration time.Duration `json:"duration"`
	// NoTime is the number of entries with no requestReceivedTimestamp.
	NoTime int64 `json:"noTime"`
	// Stages, Servers and Nodes count the entries per stage, API server and
	// node, by count (largest first) then name. An unknown server or node
	// is "".
	Stages  []Row `json:"stages"`
	Servers []Row `json:"servers"`
	Nodes   []Row `json:"nodes"`
}

// Result returns the summary.
func (s *Summary) Result() SummaryResult {
	return SummaryResult{
		Count:    s.count,
		First:    s.first.UTC(),
		Last:     s.last.UTC(),
		Duration: s.last.Sub(s.first),
		NoTime:   s.noTime,
		Stages:   topRows(KeyStage, s.stages, 0),
		Servers:  topRows(KeyServer, s.servers, 0),
		Nodes:    topRows(KeyNode, s.nodes, 0),
	}
}
