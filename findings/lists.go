package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// lists finds two kinds of expensive LISTs.
//
// LISTs served from etcd rather than from the API server's watch cache:
// the cacher hands a LIST to etcd when it has resourceVersionMatch=Exact,
// a continue token, a limit with an exact non-zero resourceVersion, or no
// resourceVersion at all (a consistent read; from Kubernetes 1.31 the
// ConsistentListFromCache feature serves those from the cache when etcd
// supports progress notifications). Each reads every object of the
// resource in its scope from etcd. A user, resource and scope (all
// namespaces or cluster-scoped: "cluster-wide", or one namespace) is a finding at
// Options.EtcdListsPerHour. Rows rank all-namespace LISTs first, then the
// resources with the most and biggest objects (pods, secrets, configmaps,
// events, custom resources), then count and time spent.
//
// Only LISTs that succeeded (2xx) count: a refused or failed LIST read
// nothing. LISTs of the metrics APIs (metrics.k8s.io,
// custom.metrics.k8s.io, external.metrics.k8s.io) do not count either:
// aggregated API servers without storage serve them.
//
// Repeated LISTs at resourceVersion=0 with a limit: the watch cache
// ignores the limit and returns the whole collection each time. client-go
// makes one such LIST per informer start, and again only when a watch
// cannot resume; a user, resource and scope is a finding at
// Options.RV0ListsPerHour.
type lists struct {
	*base
	lists int64
	etcd  table[listKey, *listKey]
	rv0   table[listKey, *listKey]
	buf   []byte
}

// Why a LIST went to etcd.
const (
	reasonExact      = iota // resourceVersionMatch=Exact
	reasonLimitExact        // limit with an exact resourceVersion
	reasonContinue          // a continue token
	reasonConsistent        // no resourceVersion
	numReasons
)

var reasonNames = [numReasons]string{"resourceVersionMatch=Exact", "limit with resourceVersion=N", "continue token", "no resourceVersion"}

type listKey struct {
	tally
	at      series
	latency totals
	reasons [numReasons]int64
}

func (l *listKey) merge(o *listKey) {
	l.tally.merge(&o.tally)
	l.at.merge(&o.at)
	l.latency.merge(&o.latency)
	for i, n := range o.reasons {
		l.reasons[i] += n
	}
}

func init() { register(newLists) }

// newLists returns an empty lists detector sharing b.
func newLists(b *base) detector {
	d := &lists{base: b}
	d.etcd = newTable[listKey](d.opts.MaxKeys)
	d.rv0 = newTable[listKey](d.opts.MaxKeys)
	return d
}

func (d *lists) fields() auditlog.Fields { return factFields }

// listSource says where a LIST is served from, as the API server's
// cacher decides: etcd (with the reason), and whether it is a LIST at
// resourceVersion=0 with a limit.
func listSource(r *auditlog.Request) (etcd bool, reason int, rv0Limit bool) {
	rv, match, cont, limit := listParams(r)
	switch match {
	case "Exact":
		return true, reasonExact, false
	case "NotOlderThan":
		return false, 0, rv == "0" && limit > 0
	case "":
	default:
		return false, 0, false // the server rejects it
	}
	switch {
	case limit > 0 && rv != "" && rv != "0":
		return true, reasonLimitExact, false
	case cont != "":
		return true, reasonContinue, false
	case rv == "":
		return true, reasonConsistent, false
	}
	return false, 0, rv == "0" && limit > 0
}

// listParams reads the query parameters that decide where a LIST is
// served from, in one pass over the query (as Request.QueryValue reads
// each: the first value of a parameter counts).
func listParams(r *auditlog.Request) (rv, match, cont string, limit int64) {
	var seen [4]bool
	for k, v := range r.QueryParams() {
		i := -1
		switch auditlog.QueryUnescape(k) {
		case "resourceVersion":
			i = 0
		case "resourceVersionMatch":
			i = 1
		case "continue":
			i = 2
		case "limit":
			i = 3
		}
		if i < 0 || seen[i] {
			continue
		}
		seen[i] = true
		v = auditlog.QueryUnescape(v)
		switch i {
		case 0:
			rv = v
		case 1:
			match = v
		case 2:
			cont = v
		case 3:
			limit, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return rv, match, cont, limit
}

func (d *lists) count(f *facts) {
	if f.verb != "list" {
		return
	}
	r := f.req()
	if r.Resource == "" || f.code < 200 || f.code > 299 || metricsAPI(r.APIGroup) {
		return
	}
	d.lists++ // all LISTs, what the rows' shares are of
	if selfTraffic(f.user) || servedFromCache(r.APIGroup, r.Resource) {
		return
	}
	etcd, reason, rv0 := listSource(r)
	if !etcd && !rv0 {
		return
	}
	d.buf = append(d.buf[:0], f.user...)
	d.buf = append(d.buf, 0)
	d.buf = appendResource(d.buf, r)
	d.buf = append(d.buf, 0)
	d.buf = append(d.buf, r.Namespace...)
	t := &d.rv0
	if etcd {
		t = &d.etcd
	}
	l := t.get(d.buf)
	if l == nil {
		return
	}
	l.tally.add(f, allSamples)
	l.at.add(f.recv)
	l.latency.add(f.latency)
	if etcd {
		l.reasons[reason]++
	}
}

func (d *lists) name() string { return "lists" }

func (d *lists) merge(od detector) {
	o := od.(*lists)
	d.lists += o.lists
	d.etcd.merge(&o.etcd)
	d.rv0.merge(&o.rv0)
}

func (d *lists) dropped() int64 { return d.etcd.dropped + d.rv0.dropped }

// listRow is a qualifying key with what ranks it.
type listRow struct {
	user, resource, namespace string
	l                         *listKey
}

// rows returns the keys of t that reach rate per hour, ranked: every
// namespace before one, heavy resources before the others, then by
// count, time spent and key.
func (d *lists) rows(t *table[listKey, *listKey], rate float64) []listRow {
	var out []listRow
	for k, l := range t.m {
		if !d.perHour(l.count, rate) {
			continue
		}
		parts := strings.Split(k, "\x00")
		out = append(out, listRow{parts[0], parts[1], parts[2], l})
	}
	rank := func(r listRow) (int, int) {
		scope, heavy := 1, 1
		if r.namespace == "" {
			scope = 0
		}
		if heavyResource(r.resource) {
			heavy = 0
		}
		return scope, heavy
	}
	slices.SortFunc(out, func(a, b listRow) int {
		sa, ha := rank(a)
		sb, hb := rank(b)
		return cmp.Or(cmp.Compare(sa, sb), cmp.Compare(ha, hb), cmp.Compare(b.l.count, a.l.count),
			cmp.Compare(b.l.latency.sum(), a.l.latency.sum()), cmp.Compare(a.user, b.user),
			cmp.Compare(a.resource, b.resource), cmp.Compare(a.namespace, b.namespace))
	})
	return out
}

func (d *lists) evidence(r listRow) Evidence {
	scope := "cluster-wide"
	if r.namespace != "" {
		scope = "namespace " + r.namespace
	}
	ev := r.l.evidence(r.user, "LIST "+r.resource+", "+scope)
	ev.Share = share(r.l.count, d.lists)
	ev.Numbers = []Number{
		{Name: "mean latency", Value: r.l.latency.mean().Seconds(), Unit: UnitSeconds},
		{Name: "max latency", Value: time.Duration(r.l.latency.max()).Seconds(), Unit: UnitSeconds},
		{Name: "per hour", Value: float64(r.l.count) / d.span.hours(), Unit: UnitPerHour},
	}
	flags := []flag{{"user", r.user}, {"verb", "list"}, {"resource", resourceFlag(r.resource)}}
	if r.namespace != "" {
		flags = append(flags, flag{"namespace", r.namespace})
	}
	ev.Command = d.cmds.command(flags, "--by=verb", "-otop")
	ev.SamplesCommand = d.cmds.samples(ev.Samples)
	return ev
}

// Result returns the etcd-lists and repeated-lists findings, or none.
func (d *lists) result() []Finding {
	var out []Finding
	if rows := d.rows(&d.etcd, d.opts.EtcdListsPerHour); len(rows) > 0 {
		out = append(out, d.etcdFinding(rows))
	}
	if rows := d.rows(&d.rv0, d.opts.RV0ListsPerHour); len(rows) > 0 {
		out = append(out, d.rv0Finding(rows))
	}
	return finish(out)
}

func (d *lists) etcdFinding(rows []listRow) Finding {
	var total int64
	var reasons [numReasons]int64
	var ev []Evidence
	high := false
	for _, r := range rows {
		total += r.l.count
		for i, n := range r.l.reasons {
			reasons[i] += n
		}
		e := d.evidence(r)
		for i, n := range r.l.reasons {
			if n > 0 {
				e.Numbers = append(e.Numbers, Number{Name: reasonNames[i], Value: float64(n), Unit: UnitRequests})
			}
		}
		ev = append(ev, e)
		high = high || r.namespace == "" && heavyResource(r.resource) && d.perHour(r.l.count, 10*d.opts.EtcdListsPerHour)
	}
	shown, more, cost := d.rowsOf(ev)
	f := Finding{
		ID:        "etcd-lists",
		Group:     GroupLoad,
		Cost:      cost,
		Severity:  Medium,
		Title:     "LISTs served from etcd, not from the cache",
		Magnitude: total,
		Numbers:   []Number{{Name: "LISTs from etcd", Value: float64(total), Unit: UnitRequests}},
		ShareOf:   "all LISTs",
		Rows:      shown,
		MoreRows:  more,
		Command:   ev[0].Command,
	}
	for i, n := range reasons {
		if n > 0 {
			f.Numbers = append(f.Numbers, Number{Name: reasonNames[i], Value: float64(n), Unit: UnitRequests})
		}
	}
	if high {
		f.Severity = High
	}
	first := rows[0]
	f.Summary = fmt.Sprintf("%s listed %s %d times in a way the API server must read from etcd (%s), each time reading every object: let it list with resourceVersion=0 or use an informer.",
		first.user, ev[0].What[len("LIST "):], first.l.count, reasonList(first.l.reasons))
	d.rowsTimeline(&f, rows, d.opts.EtcdListsPerHour)
	return f
}

// rowsTimeline sets the onset and series of a finding of rows that
// qualified at rate per hour.
func (d *lists) rowsTimeline(f *Finding, rows []listRow, rate float64) {
	var at series
	var onset int64
	for _, r := range rows {
		at.merge(&r.l.at)
		onset = onsetOf(onset, r.l.at.onsetPerHour(rate, d.span.hours()))
	}
	d.timeline(f, onset, &at)
}

// reasonList names the reasons of a row's LISTs from etcd with their
// counts, the commonest first.
func reasonList(r [numReasons]int64) string {
	order := []int{}
	for i, n := range r {
		if n > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(r[b], r[a]) })
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%s: %d", reasonNames[k], r[k])
	}
	return strings.Join(parts, ", ")
}

func (d *lists) rv0Finding(rows []listRow) Finding {
	var total int64
	var ev []Evidence
	for _, r := range rows {
		total += r.l.count
		ev = append(ev, d.evidence(r))
	}
	shown, more, cost := d.rowsOf(ev)
	first := rows[0]
	f := Finding{
		ID:        "repeated-lists",
		Group:     GroupLoad,
		Cost:      cost,
		Severity:  Medium,
		Title:     "Full LISTs repeated (resourceVersion=0 with a limit)",
		Magnitude: total,
		Numbers:   []Number{{Name: "LISTs", Value: float64(total), Unit: UnitRequests}},
		ShareOf:   "all LISTs",
		Rows:      shown,
		MoreRows:  more,
		Command:   ev[0].Command,
	}
	if first.namespace == "" && heavyResource(first.resource) && d.perHour(first.l.count, 10*d.opts.RV0ListsPerHour) {
		f.Severity = High
	}
	f.Summary = fmt.Sprintf("%s listed %s %d times at resourceVersion=0 with a limit: the watch cache ignores the limit and returns the whole collection each time; an informer lists once and then watches.",
		first.user, ev[0].What[len("LIST "):], first.l.count)
	d.rowsTimeline(&f, rows, d.opts.RV0ListsPerHour)
	return f
}
