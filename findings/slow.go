package findings

import (
	"fmt"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// slowLayers tells where slow requests spent their time. The API server
// writes apiserver.latency.k8s.io/* annotations on requests that took more
// than 500 ms: the total and the time in etcd, in mutating and validating
// admission webhooks, in encoding and converting the response
// (serialization), in writing it to the client, and queued by API
// Priority and Fairness. A slow request counts against the layer that
// took the most of its time, if that is at least Options.SlowLayerShare of
// it, so that "etcd is slow" and "a webhook is slow" are told apart.
// Long-running requests (watch, exec, attach, port-forward, proxy, log
// follow) are never counted: they are meant to last.
//
// A request that spends more than an absolute time in admission webhooks
// or in etcd (Options.SlowWebhookTime, Options.SlowEtcdTime) counts
// against that layer even when another took more of its time. A layer is
// a finding when its slow requests reach Options.SlowPerHour and either
// Options.SlowShare of all short-running requests or, counting those over
// the absolute time alone, Options.SlowPerHour again. The rows are by
// resource and verb.
type slowLayers struct {
	*base
	shortRunning int64
	layers       [numLayers]table[slowKey, *slowKey]
	attributed   [numLayers]int64
	attributedAt [numLayers]series // the attributed requests over time
	// overLimit counts the attributed requests over the layer's absolute
	// time (limits).
	overLimit [numLayers]int64
	limits    [numLayers]time.Duration // 0: none
	// hooks are the webhooks named on the requests counted against
	// admission webhooks, and their time in webhooks.
	hooks webhooks
	buf   []byte
}

type slowKey struct {
	tally
	layer durations // time in the layer
	total durations // the requests' total latency
}

func (s *slowKey) merge(o *slowKey) {
	s.tally.merge(&o.tally)
	s.layer.merge(&o.layer)
	s.total.merge(&o.total)
}

func init() { register(newSlowLayers) }

// newSlowLayers returns an empty slow-layers detector sharing b.
func newSlowLayers(b *base) detector {
	d := &slowLayers{base: b}
	d.limits[layerWebhooks], d.limits[layerEtcd] = d.opts.SlowWebhookTime, d.opts.SlowEtcdTime
	d.hooks = newWebhooks(d.opts.MaxKeys)
	for i := range d.layers {
		d.layers[i] = newTable[slowKey](d.opts.MaxKeys)
	}
	return d
}

func (d *slowLayers) fields() auditlog.Fields { return factFields }

// longRunning reports whether the API server treats the request as
// long-running: the verbs watch and proxy, the subresources exec, attach,
// portforward and proxy, and log with follow=true (as filter.LongRunning;
// a watch=true LIST is logged with the verb watch).
func longRunning(f *facts) bool {
	switch f.verb {
	case "watch", "proxy":
		return true
	}
	r := f.req()
	switch r.Subresource {
	case "exec", "attach", "portforward", "proxy":
		return r.Resource != ""
	case "log":
		v, ok := r.QueryValue("follow")
		return ok && (v == "true" || v == "1")
	}
	return false
}

func (d *slowLayers) count(f *facts) {
	if longRunning(f) {
		return
	}
	d.shortRunning++
	if f.latencyTotal == "" {
		return
	}
	total, err := time.ParseDuration(f.latencyTotal)
	if err != nil || total <= 0 {
		total = f.latency
	}
	if total <= 0 {
		return
	}
	best, bestTime := layer(-1), time.Duration(0)
	over, overTime := layer(-1), time.Duration(0) // the first layer over its absolute time
	for l := range numLayers {
		var t time.Duration
		for _, v := range f.layers[l] {
			if v == "" {
				continue
			}
			if x, err := time.ParseDuration(v); err == nil {
				t += x
			}
		}
		if t > bestTime {
			best, bestTime = l, t
		}
		if over < 0 && d.limits[l] > 0 && t > d.limits[l] {
			over, overTime = l, t
		}
	}
	if best < 0 || float64(bestTime) < d.opts.SlowLayerShare*float64(total) {
		if over < 0 {
			return
		}
		best, bestTime = over, overTime
	}
	if d.limits[best] > 0 && bestTime > d.limits[best] {
		d.overLimit[best]++
	}
	r := f.req()
	d.buf = append(d.buf[:0], f.verb...)
	d.buf = append(d.buf, 0)
	if r.Resource != "" {
		d.buf = appendResource(d.buf, r)
	} else {
		d.buf = append(d.buf, r.Path...)
	}
	d.attributed[best]++
	if best == layerWebhooks {
		d.hooks.count(f)
	}
	d.attributedAt[best].add(f.recv)
	if s := d.layers[best].get(d.buf); s != nil {
		s.tally.add(f, allSamples)
		s.layer.add(bestTime)
		s.total.add(total)
	}
}

func (d *slowLayers) name() string { return "slow-layers" }

func (d *slowLayers) merge(od detector) {
	o := od.(*slowLayers)
	d.shortRunning += o.shortRunning
	d.hooks.merge(&o.hooks)
	for i := range d.layers {
		d.attributed[i] += o.attributed[i]
		d.attributedAt[i].merge(&o.attributedAt[i])
		d.overLimit[i] += o.overLimit[i]
		d.layers[i].merge(&o.layers[i])
	}
}

func (d *slowLayers) dropped() int64 {
	var n int64
	for i := range d.layers {
		n += d.layers[i].dropped
	}
	return n + d.hooks.hooks.dropped
}

// layerSentences say, per layer, what its slowness means.
var layerSentences = [numLayers]string{
	"waiting for etcd: etcd is slow (disk, defragmentation, size) or the requests read too much",
	"in admission webhooks: a webhook answers slowly or times out",
	"encoding and converting responses: the responses are very large",
	"writing responses to the clients: the clients read slowly or the network is congested",
	"queued by API Priority and Fairness: their priority level is saturated",
}

// Result returns a slow-layer finding per layer that qualifies.
func (d *slowLayers) result() []Finding {
	var out []Finding
	for l := range numLayers {
		n := d.attributed[l]
		if n == 0 || !d.perHour(n, d.opts.SlowPerHour) ||
			share(n, d.shortRunning) < d.opts.SlowShare && !d.perHour(d.overLimit[l], d.opts.SlowPerHour) {
			continue
		}
		var rows []Evidence
		for _, k := range sortedKeys(d.layers[l].m, func(s *slowKey) int64 { return s.count }) {
			verb, resource := k.parts[0], k.parts[1]
			ev := k.v.evidence("", strings.ToUpper(verb)+" "+resource)
			ev.Share = share(k.v.count, n)
			ev.Numbers = []Number{
				{Name: "median time in " + layerNames[l], Value: k.v.layer.quantile(0.5).Seconds(), Unit: UnitSeconds},
				{Name: "max time in " + layerNames[l], Value: time.Duration(k.v.layer.max()).Seconds(), Unit: UnitSeconds},
				{Name: "median total", Value: k.v.total.quantile(0.5).Seconds(), Unit: UnitSeconds},
			}
			flags := []flag{{"verb", verb}}
			if strings.Contains(resource, "/") && !strings.HasPrefix(resource, "/") {
				flags = append(flags, flag{"resource", resourceFlag(resource)})
			}
			flags = append(flags, flag{"min-latency", "500ms"})
			ev.Command = d.cmds.byUser(flags...)
			ev.SamplesCommand = d.cmds.samples(ev.Samples)
			rows = append(rows, ev)
		}
		shown, more, cost := d.rowsOf(rows)
		f := Finding{
			ID:        "slow-layer",
			Group:     GroupLoad,
			Cost:      cost,
			Subject:   layerNames[l],
			Severity:  Medium,
			Title:     "Slow requests, by the layer that took their time",
			Magnitude: n,
			Numbers: []Number{
				{Name: "slow requests", Value: float64(n), Unit: UnitRequests},
				{Name: "share of short-running requests", Value: 100 * share(n, d.shortRunning), Unit: UnitPercent},
			},
			ShareOf:  "the layer's slow requests",
			Rows:     shown,
			MoreRows: more,
			Command:  rows[0].Command,
		}
		if share(n, d.shortRunning) >= 10*d.opts.SlowShare {
			f.Severity = High
		}
		f.Summary = fmt.Sprintf("%d requests took more than 500 ms, most of it %s; the most: %s (%d).",
			n, layerSentences[l], rows[0].What, rows[0].Count)
		if share(n, d.shortRunning) < d.opts.SlowShare {
			// Found by absolute time alone.
			f.Numbers = append(f.Numbers, Number{Name: "over " + d.limits[l].String() + " in " + layerNames[l], Value: float64(d.overLimit[l]), Unit: UnitRequests})
			f.Summary = fmt.Sprintf("%d requests spent more than %s %s, few as they are (%s of short-running requests); the most: %s (%d).",
				d.overLimit[l], d.limits[l], layerSentences[l], formatPercent(share(n, d.shortRunning)), rows[0].What, rows[0].Count)
		}
		if l == layerWebhooks {
			numbers, sentences := d.hooks.describe()
			f.Numbers = append(f.Numbers, numbers...)
			f.Summary += sentences
			f.Webhooks = d.hooks.list()
		}
		d.timeline(&f, d.attributedAt[l].onsetPerHour(d.opts.SlowPerHour, d.span.hours()), &d.attributedAt[l])
		out = append(out, f)
	}
	return finish(out)
}
