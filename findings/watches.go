package findings

import (
	"fmt"
	"strconv"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// watchChurn finds clients whose watches end early: each time a watch
// ends, the client opens another (and, if it cannot resume, lists the
// whole collection again), so many short watches mean a relist storm or a
// connection cut by something between the client and the API server.
//
// A watch's lifetime is stageTimestamp - requestReceivedTimestamp of its
// ResponseComplete event. It is short when it ends before
// Options.ShortWatchFraction of its timeoutSeconds, or, without
// timeoutSeconds, before Options.ShortWatchNoTimeout. A user and resource
// pair is a finding when its short watches reach Options.WatchChurnPerHour
// and Options.WatchChurnShare of its watches.
type watchChurn struct {
	*base
	keys table[watchKey, *watchKey]
	buf  []byte
}

type watchKey struct {
	watches   durations // lifetimes of every watch
	short     tally
	shortAt   series // the short watches over time
	shortLife totals // lifetimes of the short ones
	timeouts  totals // timeoutSeconds of the short ones that had it
}

func (w *watchKey) merge(o *watchKey) {
	w.watches.merge(&o.watches)
	w.short.merge(&o.short)
	w.shortAt.merge(&o.shortAt)
	w.shortLife.merge(&o.shortLife)
	w.timeouts.merge(&o.timeouts)
}

func (w *watchKey) requests() int64 { return w.watches.count() }

func init() { register(newWatchChurn) }

// newWatchChurn returns an empty watch-churn detector sharing b.
func newWatchChurn(b *base) detector {
	d := &watchChurn{base: b}
	d.keys = newTable[watchKey](d.opts.MaxKeys)
	return d
}

func (d *watchChurn) fields() auditlog.Fields { return factFields }

func (d *watchChurn) count(f *facts) {
	if f.verb != "watch" || f.recv == 0 || !f.served() || selfTraffic(f.user) {
		return
	}
	r := f.req()
	d.buf = append(d.buf[:0], f.user...)
	d.buf = append(d.buf, 0)
	if r.Resource != "" {
		d.buf = appendResource(d.buf, r)
	} else {
		d.buf = append(d.buf, r.Path...)
	}
	w := d.keys.get(d.buf)
	if w == nil {
		return
	}
	life := f.latency
	w.watches.add(life)
	var timeout time.Duration
	if v, ok := r.QueryValue("timeoutSeconds"); ok {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s > 0 {
			timeout = time.Duration(s) * time.Second
		}
	}
	short := life < d.opts.ShortWatchNoTimeout
	if timeout > 0 {
		short = float64(life) < d.opts.ShortWatchFraction*float64(timeout)
	}
	if !short {
		return
	}
	w.short.add(f, allSamples)
	w.shortAt.add(f.recv)
	w.shortLife.add(life)
	if timeout > 0 {
		w.timeouts.add(timeout)
	}
}

func (d *watchChurn) name() string { return "watch-churn" }

func (d *watchChurn) merge(od detector) {
	o := od.(*watchChurn)
	d.keys.merge(&o.keys)
}

func (d *watchChurn) dropped() int64 { return d.keys.dropped }

// Result returns the watch-churn finding, or none.
func (d *watchChurn) result() []Finding {
	var rows []Evidence
	var total int64
	var at series
	var onset int64
	for _, k := range sortedKeys(d.keys.m, func(w *watchKey) int64 { return w.short.count }) {
		w := k.v
		n := w.short.count
		if n == 0 || !d.perHour(n, d.opts.WatchChurnPerHour) || share(n, w.watches.count()) < d.opts.WatchChurnShare {
			continue
		}
		user, resource := k.parts[0], k.parts[1]
		ev := w.short.evidence(user, "WATCH "+resource)
		ev.Share = share(n, w.watches.count())
		ev.Numbers = []Number{
			{Name: "watches", Value: float64(w.watches.count()), Unit: UnitRequests},
			{Name: "median lifetime", Value: w.watches.quantile(0.5).Seconds(), Unit: UnitSeconds},
			{Name: "mean lifetime of the short ones", Value: w.shortLife.mean().Seconds(), Unit: UnitSeconds},
			{Name: "short per hour", Value: float64(n) / d.span.hours(), Unit: UnitPerHour},
		}
		if w.timeouts.count() > 0 {
			ev.Numbers = append(ev.Numbers, Number{Name: "mean timeoutSeconds asked", Value: w.timeouts.mean().Seconds(), Unit: UnitSeconds})
		}
		ev.Command = d.cmds.user(user)
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
		total += n
		at.merge(&w.shortAt)
		onset = onsetOf(onset, w.shortAt.onsetPerHour(d.opts.WatchChurnPerHour, d.span.hours()))
	}
	if len(rows) == 0 {
		return nil
	}
	first := rows[0]
	shown, more, cost := d.rowsOf(rows)
	f := Finding{
		ID:        "watch-churn",
		Group:     GroupLoad,
		Cost:      cost,
		Severity:  Medium,
		Title:     "Watches that end early, again and again",
		Magnitude: total,
		Numbers: []Number{
			{Name: "short watches", Value: float64(total), Unit: UnitRequests},
			{Name: "users and resources", Value: float64(len(rows))},
		},
		ShareOf:  "the offender's watches of the resource",
		Rows:     shown,
		MoreRows: more,
		Command:  first.Command,
	}
	if d.perHour(total, 10*d.opts.WatchChurnPerHour) {
		f.Severity = High
	}
	f.Summary = fmt.Sprintf("%s opened %d watches on %s that ended early (%s of its watches there; median lifetime %s): each new watch costs the API server, and a client that cannot resume lists everything again.",
		first.Offender, first.Count, first.What[len("WATCH "):], formatPercent(first.Share),
		formatSeconds(first.Numbers[1].Value))
	d.timeline(&f, onset, &at)
	return finish([]Finding{f})
}

// formatSeconds writes a number of seconds as a short Go duration.
func formatSeconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= time.Second:
		d = d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		d = d.Round(time.Millisecond)
	}
	return d.String()
}
