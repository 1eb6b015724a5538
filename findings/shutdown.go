package findings

import (
	"fmt"

	"github.com/auditlens/auditlens/auditlog"
)

// lateRequests finds requests that reached an API server while it was
// shutting down. OpenShift's API servers annotate them:
// openshift.io/during-termination once termination started (the server
// still serves while load balancers take it out), and
// openshift.io/during-graceful once it is in its last, graceful phase
// (load balancers should have stopped sending by then). Requests over the
// loopback interface (the server's own, "loopback=true") do not count.
//
// The finding comes from Options.lateRequests requests during the
// graceful phase; the rows are by user and by the API server's node that
// logged them.
type lateRequests struct {
	*base
	graceful    table[tally, *tally]
	gracefulN   int64
	gracefulAt  series
	termination int64
	loopback    int64
	buf         []byte
}

func init() { register(newLateRequests) }

// newLateRequests returns an empty late-requests detector sharing b.
func newLateRequests(b *base) detector {
	d := &lateRequests{base: b}
	d.graceful = newTable[tally](d.opts.MaxKeys)
	return d
}

func (d *lateRequests) fields() auditlog.Fields { return factFields }

func (d *lateRequests) count(f *facts) {
	if !f.hasTermination && !f.hasGraceful {
		return
	}
	if f.hasTermination && loopback(f.duringTermination) || f.hasGraceful && loopback(f.duringGraceful) {
		d.loopback++
		return
	}
	if f.hasTermination {
		d.termination++
	}
	if !f.hasGraceful {
		return
	}
	d.gracefulN++
	d.gracefulAt.add(f.recv)
	d.buf = append(d.buf[:0], f.user...)
	d.buf = append(d.buf, 0)
	d.buf = append(d.buf, f.e.Node...)
	if t := d.graceful.get(d.buf); t != nil {
		t.add(f, allSamples)
	}
}

func (d *lateRequests) name() string { return "late-requests" }

func (d *lateRequests) merge(od detector) {
	o := od.(*lateRequests)
	d.graceful.merge(&o.graceful)
	d.gracefulN += o.gracefulN
	d.gracefulAt.merge(&o.gracefulAt)
	d.termination += o.termination
	d.loopback += o.loopback
}

func (d *lateRequests) dropped() int64 { return d.graceful.dropped }

// Result returns the late-requests finding, or none.
func (d *lateRequests) result() []Finding {
	if d.gracefulN == 0 || d.gracefulN < d.opts.LateRequests {
		return nil
	}
	var rows []Evidence
	for _, k := range sortedKeys(d.graceful.m, func(t *tally) int64 { return t.count }) {
		user, node := k.parts[0], k.parts[1]
		what := "sent to the API server on " + node
		if node == "" {
			what = "sent to a terminating API server"
		}
		ev := k.v.evidence(user, what)
		ev.Share = share(k.v.count, d.gracefulN)
		ev.Command = d.cmds.command([]flag{{"user", user}, {"annotation", annDuringGraceful}}, "--by=verb", "-otop")
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
	}
	shown, more, cost := d.rowsOf(rows)
	f := Finding{
		ID:        "late-requests",
		Group:     GroupErrors,
		Cost:      cost,
		Severity:  Medium,
		Title:     "Requests sent to an API server that was shutting down",
		Magnitude: d.gracefulN,
		Numbers: []Number{
			{Name: "during graceful shutdown", Value: float64(d.gracefulN), Unit: UnitRequests},
			{Name: "during termination", Value: float64(d.termination), Unit: UnitRequests},
			{Name: "over loopback (not counted)", Value: float64(d.loopback), Unit: UnitRequests},
		},
		ShareOf:  "the late requests",
		Rows:     shown,
		MoreRows: more,
		Command:  d.cmds.command([]flag{{"annotation", annDuringGraceful}}, "--by=user", "-otop"),
	}
	if d.gracefulN >= 10*d.opts.LateRequests {
		f.Severity = High
	}
	f.Summary = fmt.Sprintf("%d requests from other hosts reached an API server after its graceful shutdown began, %d of them from %s: the load balancer kept sending to a server that was going away, and such requests fail.",
		d.gracefulN, rows[0].Count, rows[0].Offender)
	d.timeline(&f, d.gracefulAt.reach(max(d.opts.LateRequests, 1)), &d.gracefulAt)
	return finish([]Finding{f})
}
