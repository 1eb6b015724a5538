package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// errorStorm finds the API server failing and shedding load.
//
// Server errors: the seconds in which some request was answered 5xx, how
// many, and the users and resources involved; a finding from
// Options.ServerErrorSeconds distinct seconds.
//
// Throttling: 429 Too Many Requests per user, with the time the requests
// waited in an API Priority and Fairness queue before being rejected
// (apiserver.latency.k8s.io/apf-queue-wait) and the first and last 429; a
// finding from Options.ThrottledPerHour.
type errorStorm struct {
	*base
	// seconds counts 5xx responses per second (Unix), at most MaxKeys
	// seconds.
	seconds       map[int64]int64
	secondsDrop   int64
	serverErrors  int64
	errorRows     table[tally, *tally]
	throttled     table[throttledUser, *throttledUser]
	throttleCount int64
	throttledAt   series // every 429 over time
	buf           []byte
}

type throttledUser struct {
	tally
	wait durations // apf-queue-wait of the 429s
}

func (t *throttledUser) merge(o *throttledUser) {
	t.tally.merge(&o.tally)
	t.wait.merge(&o.wait)
}

func init() { register(newErrorStorm) }

// newErrorStorm returns an empty error-storm detector sharing b.
func newErrorStorm(b *base) detector {
	d := &errorStorm{base: b, seconds: make(map[int64]int64)}
	d.errorRows = newTable[tally](d.opts.MaxKeys)
	d.throttled = newTable[throttledUser](d.opts.MaxKeys)
	return d
}

func (d *errorStorm) fields() auditlog.Fields { return factFields }

func (d *errorStorm) count(f *facts) {
	switch {
	case f.code >= 500 && f.code <= 599:
		d.serverError(f)
	case f.code == 429:
		d.throttleCount++
		d.throttledAt.add(f.recv)
		d.buf = append(d.buf[:0], f.user...)
		if t := d.throttled.get(d.buf); t != nil {
			t.tally.add(f, allSamples)
			for _, v := range f.layers[layerQueue] {
				if v == "" {
					continue
				}
				if w, err := time.ParseDuration(v); err == nil {
					t.wait.add(w)
				}
			}
		}
	}
}

func (d *errorStorm) serverError(f *facts) {
	d.serverErrors++
	if f.recv != 0 {
		sec := f.recv / int64(time.Second)
		if _, ok := d.seconds[sec]; ok || len(d.seconds) < d.opts.MaxKeys {
			d.seconds[sec]++
		} else {
			d.secondsDrop++
		}
	}
	r := f.req()
	d.buf = append(d.buf[:0], f.user...)
	d.buf = append(d.buf, 0)
	d.buf = append(d.buf, f.verb...)
	d.buf = append(d.buf, 0)
	if r.Resource != "" {
		d.buf = appendResource(d.buf, r)
	} else {
		d.buf = append(d.buf, r.Path...)
	}
	if t := d.errorRows.get(d.buf); t != nil {
		t.add(f, allSamples)
	}
}

func (d *errorStorm) name() string { return "error-storm" }

func (d *errorStorm) merge(od detector) {
	o := od.(*errorStorm)
	d.serverErrors += o.serverErrors
	d.throttleCount += o.throttleCount
	d.throttledAt.merge(&o.throttledAt)
	d.secondsDrop += o.secondsDrop
	for s, n := range o.seconds {
		if _, ok := d.seconds[s]; ok || len(d.seconds) < d.opts.MaxKeys {
			d.seconds[s] += n
		} else {
			d.secondsDrop += n
		}
	}
	d.errorRows.merge(&o.errorRows)
	d.throttled.merge(&o.throttled)
}

func (d *errorStorm) dropped() int64 {
	return d.secondsDrop + d.errorRows.dropped + d.throttled.dropped
}

// Result returns the server-errors and throttled findings that qualify.
func (d *errorStorm) result() []Finding {
	var out []Finding
	if len(d.seconds) >= d.opts.ServerErrorSeconds && d.serverErrors > 0 {
		out = append(out, d.serverFinding())
	}
	if d.throttleCount > 0 && d.perHour(d.throttleCount, d.opts.ThrottledPerHour) {
		out = append(out, d.throttleFinding())
	}
	return finish(out)
}

func (d *errorStorm) serverFinding() Finding {
	type second struct{ at, n int64 }
	secs := make([]second, 0, len(d.seconds))
	for s, n := range d.seconds {
		secs = append(secs, second{s, n})
	}
	slices.SortFunc(secs, func(a, b second) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.at, b.at)) })
	var rows []Evidence
	for _, k := range sortedKeys(d.errorRows.m, func(t *tally) int64 { return t.count }) {
		user, verb, resource := k.parts[0], k.parts[1], k.parts[2]
		ev := k.v.evidence(user, strings.ToUpper(verb)+" "+resource)
		ev.Share = share(k.v.count, d.serverErrors)
		ev.Command = d.cmds.command([]flag{{"user", user}}, "--failed-only", "--by=httpstatus", "-otop")
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
	}
	shown, more, cost := d.rowsOf(rows)
	var worst second
	if len(secs) > 0 {
		worst = secs[0]
	}
	f := Finding{
		ID:        "server-errors",
		Group:     GroupErrors,
		Cost:      cost,
		Severity:  High,
		Title:     "The API server answered 5xx",
		Magnitude: d.serverErrors,
		Numbers: []Number{
			{Name: "5xx responses", Value: float64(d.serverErrors), Unit: UnitRequests},
			{Name: "seconds with 5xx", Value: float64(len(d.seconds)), Unit: UnitSeconds},
			{Name: "5xx in the worst second", Value: float64(worst.n), Unit: UnitRequests},
		},
		ShareOf:  "all 5xx responses",
		Rows:     shown,
		MoreRows: more,
		Command:  d.cmds.command(nil, "--failed-only", "--http-status-code=500,501,502,503,504", "-o", "histogram", "--bucket=1m", "--by=user"),
	}
	peak := ""
	if worst.n > 0 {
		peak = fmt.Sprintf(", up to %d in the second of %s", worst.n, time.Unix(worst.at, 0).UTC().Format(time.RFC3339))
	}
	f.Summary = fmt.Sprintf("The API server answered %d requests with a server error (5xx) in %d distinct seconds%s: it failed to serve them (etcd, webhooks, aggregated APIs or overload), and the clients retry.",
		d.serverErrors, len(d.seconds), peak)
	// The onset is the minute of the second that made the count of seconds
	// with 5xx reach the threshold.
	slices.SortFunc(secs, func(a, b second) int { return cmp.Compare(a.at, b.at) })
	var at series
	for _, s := range secs {
		at.addMinute(uint64(s.at/60), uint64(s.n))
	}
	var onset int64
	if k := max(d.opts.ServerErrorSeconds, 1); k <= len(secs) {
		onset = secs[k-1].at / 60 * int64(time.Minute)
	}
	d.timeline(&f, onset, &at)
	return f
}

func (d *errorStorm) throttleFinding() Finding {
	var rows []Evidence
	var maxWait time.Duration
	for _, k := range sortedKeys(d.throttled.m, func(t *throttledUser) int64 { return t.count }) {
		user := k.parts[0]
		ev := k.v.evidence(user, "429 Too Many Requests")
		ev.Share = share(k.v.count, d.throttleCount)
		if k.v.wait.count() > 0 {
			ev.Numbers = []Number{
				{Name: "median queue wait", Value: k.v.wait.quantile(0.5).Seconds(), Unit: UnitSeconds},
				{Name: "max queue wait", Value: time.Duration(k.v.wait.max()).Seconds(), Unit: UnitSeconds},
			}
			maxWait = max(maxWait, time.Duration(k.v.wait.max()))
		}
		ev.Command = d.cmds.user(user)
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
	}
	shown, more, cost := d.rowsOf(rows)
	first := rows[0]
	f := Finding{
		ID:        "throttled",
		Group:     GroupErrors,
		Cost:      cost,
		Severity:  Medium,
		Title:     "Requests rejected by API Priority and Fairness (429)",
		Magnitude: d.throttleCount,
		Numbers: []Number{
			{Name: "429 responses", Value: float64(d.throttleCount), Unit: UnitRequests},
			{Name: "users", Value: float64(len(rows))},
			{Name: "longest queue wait", Value: maxWait.Seconds(), Unit: UnitSeconds},
		},
		ShareOf:  "all 429 responses",
		Rows:     shown,
		MoreRows: more,
		Command:  d.cmds.command(nil, "-o", "throttling"),
	}
	if share(d.throttleCount, d.requests) >= 0.01 {
		f.Severity = High
	}
	f.Summary = fmt.Sprintf("The API server rejected %d requests with 429 Too Many Requests, %d of them from %s (first %s, last %s): its priority level's queues were full; the client should slow down, or its priority level needs more share.",
		d.throttleCount, first.Count, first.Offender, first.First.Format(time.RFC3339), first.Last.Format(time.RFC3339))
	d.timeline(&f, d.throttledAt.onsetPerHour(d.opts.ThrottledPerHour, d.span.hours()), &d.throttledAt)
	return f
}
