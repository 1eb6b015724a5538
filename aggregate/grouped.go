package aggregate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// Grouped is the reference tool's -o top --by=verb and --by=httpstatus.
// Within each value of an outer key (the verb, or the HTTP status code), it
// groups requests that have the same URI path, the same query parameters
// apart from timeout, timeoutSeconds, resourceVersion and continue (in any
// order), and the same user (KeyUser: field-manager qualified). Each group
// has a count, a status-code mix of every one of its events, latency
// quantiles and its first URI.
//
// Grouping is by hash: linear time in the number of events.
type Grouped struct {
	outer  Key
	outers map[string]*outerGroup
	buf    []byte
	pairs  []string
}

type outerGroup struct {
	total  int64
	groups map[string]*group
}

type group struct {
	path, query, user string
	status            []StatusCount // sorted by code
	latency           *dist
	hasFirst          bool
	firstTime         time.Time
	firstURI          string
}

// StatusCount is how many events of a group had an HTTP status code.
type StatusCount struct {
	// Code is responseStatus.code, or -1 for events with no response status.
	Code int32 `json:"code"`
	// Count is the number of events with the code.
	Count int64 `json:"count"`
}

// NewGrouped returns an empty grouping under outer: KeyVerb or
// KeyHTTPStatus for the reference's views, or any other key.
func NewGrouped(outer Key) *Grouped {
	return &Grouped{outer: outer, outers: make(map[string]*outerGroup)}
}

// Fields is the set of event fields Grouped reads.
func (g *Grouped) Fields() auditlog.Fields {
	return g.outer.Fields() | KeyUser.Fields() | auditlog.FieldRequestURI | auditlog.FieldResponseCode |
		auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp
}

// Add counts e in its group. Entries with no outer key are not counted.
func (g *Grouped) Add(e *auditlog.Entry) {
	buf, ok := g.outer.Append(g.buf[:0], e)
	if !ok {
		g.buf = buf
		return
	}
	og := g.outers[string(buf)]
	if og == nil {
		og = &outerGroup{groups: make(map[string]*group)}
		g.outers[string(buf)] = og
	}
	og.total++

	r := e.Request()
	buf = append(buf[:0], r.Path...)
	buf = append(buf, 0)
	qStart := len(buf)
	buf, g.pairs = appendNormalQuery(buf, r.RawQuery, g.pairs)
	qEnd := len(buf)
	buf = append(buf, 0)
	uStart := len(buf)
	buf, _ = appendUser(buf, e)
	g.buf = buf

	gr := og.groups[string(buf)]
	if gr == nil {
		// The group's path, query and user are pieces of its key.
		key := string(buf)
		gr = &group{
			path:    key[:qStart-1],
			query:   key[qStart:qEnd],
			user:    key[uStart:],
			latency: newDist(),
		}
		og.groups[key] = gr
	}
	gr.addStatus(statusCode(e), 1)
	gr.latency.add(e.Latency())
	t := e.Event.RequestReceivedTimestamp.Time
	gr.offerFirst(t, e.Event.RequestURI, true)
}

// offerFirst makes uri the group's first URI if its time t is earlier than
// the current first, or equal with a smaller URI. clone says whether uri
// must be copied before it is kept.
func (gr *group) offerFirst(t time.Time, uri string, clone bool) {
	if gr.hasFirst {
		if c := t.Compare(gr.firstTime); c > 0 || c == 0 && uri >= gr.firstURI {
			return
		}
	}
	switch {
	case uri == gr.path:
		uri = gr.path // most URIs without a query are the path
	case clone:
		uri = strings.Clone(uri)
	}
	gr.hasFirst, gr.firstTime, gr.firstURI = true, t, uri
}

// addStatus adds n events with the status code.
func (gr *group) addStatus(code int32, n int64) {
	for i := range gr.status {
		if gr.status[i].Code == code {
			gr.status[i].Count += n
			return
		}
	}
	i, _ := slices.BinarySearchFunc(gr.status, code, func(s StatusCount, c int32) int { return cmp.Compare(s.Code, c) })
	gr.status = slices.Insert(gr.status, i, StatusCount{Code: code, Count: n})
}

// Merge adds the groups of o, a grouping under the same outer key, to g. o
// is not changed.
func (g *Grouped) Merge(o *Grouped) {
	for ok, oog := range o.outers {
		og := g.outers[ok]
		if og == nil {
			og = &outerGroup{groups: make(map[string]*group, len(oog.groups))}
			g.outers[ok] = og
		}
		og.total += oog.total
		for k, ogr := range oog.groups {
			gr := og.groups[k]
			if gr == nil {
				gr = &group{path: ogr.path, query: ogr.query, user: ogr.user, latency: newDist()}
				og.groups[k] = gr
			}
			for _, s := range ogr.status {
				gr.addStatus(s.Code, s.Count)
			}
			gr.latency.merge(ogr.latency)
			if ogr.hasFirst {
				gr.offerFirst(ogr.firstTime, ogr.firstURI, false)
			}
		}
	}
}

// Group is one group of requests of a GroupedResult.
type Group struct {
	// Path is the URI path the group's requests share.
	Path string `json:"path"`
	// Query is their query string without the ignored parameters, with
	// parameters sorted.
	Query string `json:"query"`
	// User is their user, field-manager qualified (KeyUser).
	User string `json:"user"`
	// Count is the number of events in the group.
	Count int64 `json:"count"`
	// Status is the status-code mix of every event of the group, by code.
	Status []StatusCount `json:"status"`
	// Latency is the distribution of the events' latencies; Latency.Mean is
	// what the reference prints.
	Latency Quantiles `json:"latency"`
	// FirstURI is the requestURI of the group's earliest event by
	// requestReceivedTimestamp (ties broken by the smaller URI).
	FirstURI string `json:"firstURI"`
	// FirstTime is that event's requestReceivedTimestamp, UTC.
	FirstTime time.Time `json:"firstTime"`
}

// GroupedOuter is one value of the outer key with its top groups.
type GroupedOuter struct {
	// Key is the outer key's value: a verb as logged (lower case), or a
	// status code ("-1" for none).
	Key string `json:"key"`
	// Total is the number of events with this value ("of N total hits").
	Total int64 `json:"total"`
	// Distinct is the number of groups.
	Distinct int `json:"distinct"`
	// Groups are the top groups, by count (largest first), then path, then
	// user, then query.
	Groups []Group `json:"groups"`
}

// GroupedResult is what a Grouped counted.
type GroupedResult struct {
	// By is the outer key's name (verb, httpstatus).
	By string `json:"by"`
	// Total is the number of events counted.
	Total int64 `json:"total"`
	// Outer lists the values of the outer key in order: numeric keys
	// (httpstatus) ascending by value, others alphabetically.
	Outer []GroupedOuter `json:"outer"`
}

// Result returns the n biggest groups of every outer key (all when n <= 0).
func (g *Grouped) Result(n int) GroupedResult {
	res := GroupedResult{By: g.outer.Name(), Outer: make([]GroupedOuter, 0, len(g.outers))}
	for k, og := range g.outers {
		res.Total += og.total
		res.Outer = append(res.Outer, og.result(k, n))
	}
	slices.SortFunc(res.Outer, func(a, b GroupedOuter) int { return compareKeys(g.outer, a.Key, b.Key) })
	return res
}

func (og *outerGroup) result(key string, n int) GroupedOuter {
	all := make([]*group, 0, len(og.groups))
	for _, gr := range og.groups {
		all = append(all, gr)
	}
	slices.SortFunc(all, func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.latency.count, a.latency.count), cmp.Compare(a.path, b.path),
			cmp.Compare(a.user, b.user), cmp.Compare(a.query, b.query))
	})
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	out := GroupedOuter{Key: key, Total: og.total, Distinct: len(og.groups), Groups: make([]Group, len(all))}
	for i, gr := range all {
		out.Groups[i] = Group{
			Path:      gr.path,
			Query:     gr.query,
			User:      gr.user,
			Count:     gr.latency.count,
			Status:    slices.Clone(gr.status),
			Latency:   gr.latency.quantiles(),
			FirstURI:  gr.firstURI,
			FirstTime: gr.firstTime.UTC(),
		}
	}
	return out
}
