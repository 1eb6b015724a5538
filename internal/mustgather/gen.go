package mustgather

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// gen generates the requests of one API server on one node, in time order,
// and hands their events to a writer in stageTimestamp order.
type gen struct {
	cfg        Config
	cat        *catalog
	rng        *rand.Rand
	server     string
	node       int
	n          int // requests
	start, end int64
	bg         []*behavior
	bgCum      []float64
	storm      bool
	metrics    *behavior
	stormOther []*behavior
	stormCum   []float64
	throttled  []*behavior
	thrCum     []float64
	thrFrom    int64
	thrTo      int64
	deleteAt   int // request index of the planted pod delete; -1: none
	deletion   *behavior
	sysdig     *actor
	inventory  *actor
	planted    []*plantedReq // this node's, in time order

	seq     uint64
	pending eventHeap
	free    []*event
	// proxies are the aggregated servers whose requests kube-apiserver's
	// generator logs too (Config.Proxied).
	proxies []*proxy
}

func cumulative(bs []*behavior) []float64 {
	cum := make([]float64, len(bs))
	total := 0.0
	for i, b := range bs {
		total += b.weight
		cum[i] = total
	}
	return cum
}

func pick(rng *rand.Rand, bs []*behavior, cum []float64) *behavior {
	x := rng.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return bs[lo]
}

const (
	stormShare     = 0.388 // of kube-apiserver requests
	stormMetrics   = 0.986 // of the culprit's requests
	thrShare       = 0.01  // outside the burst
	thrBurstShare  = 0.06
	thrBurst429    = 0.75
	reqReceivedOne = 16 // one request in this many logs RequestReceived
)

// run generates every request and writes every event to w.
func (g *gen) run(w *writer) error {
	span := g.end - g.start
	for i := 0; i < g.n; i++ {
		t := g.start + span*int64(i)/int64(g.n)
		if step := span / int64(g.n); step > 1 {
			t += g.rng.Int64N(step)
		}
		g.plantUntil(t)
		g.proxyUpTo(t)
		for len(g.pending) > 0 && g.pending[0].at <= t {
			if err := g.emit(w); err != nil {
				return err
			}
		}
		g.request(i, t)
	}
	g.plantUntil(math.MaxInt64)
	g.proxyUpTo(g.end)
	for len(g.pending) > 0 {
		if err := g.emit(w); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) emit(w *writer) error {
	e := g.pending.pop()
	err := w.write(e)
	g.free = append(g.free, e)
	return err
}

func (g *gen) newEvent() *event {
	if n := len(g.free); n > 0 {
		e := g.free[n-1]
		g.free = g.free[:n-1]
		return e
	}
	return new(event)
}

func (g *gen) push(e *event) {
	g.seq++
	e.seq = g.seq
	g.pending.push(e)
}

// plantUntil queues the events of the planted requests received at or
// before t. (They go in before the events due at t are written, so that
// none is written after a later one.)
func (g *gen) plantUntil(t int64) {
	for len(g.planted) > 0 && g.planted[0].recv <= t {
		r := g.planted[0]
		g.planted = g.planted[1:]
		e := g.newEvent()
		*e = event{recv: r.recv, b: r.b, level: levelMetadata, code: r.code, idHi: r.idHi, idLo: r.idLo,
			ns: r.ns, name: r.name, lat: r.lat, p: r.p}
		if r.p.started {
			rs := g.newEvent()
			*rs = *e
			rs.stage, rs.at = stageResponseStarted, r.recv+min(800, r.lat)
			g.push(rs)
		}
		e.stage, e.at = stageResponseComplete, r.recv+r.lat
		g.push(e)
	}
}

// chooseBehavior draws who does what at time t.
func (g *gen) chooseBehavior(t int64) (b *behavior, throttle bool) {
	u := g.rng.Float64()
	if g.storm {
		if u < stormShare {
			if g.rng.Float64() < stormMetrics {
				return g.metrics, false
			}
			return pick(g.rng, g.stormOther, g.stormCum), false
		}
		u = (u - stormShare) / (1 - stormShare)
	}
	if g.throttled != nil {
		inBurst := t >= g.thrFrom && t < g.thrTo
		share := thrShare
		if inBurst {
			share = thrBurstShare
		}
		if u < share {
			return pick(g.rng, g.throttled, g.thrCum), inBurst && g.rng.Float64() < thrBurst429
		}
	}
	return pick(g.rng, g.bg, g.bgCum), false
}

// request generates request i, received at t, and queues its events.
func (g *gen) request(i int, t int64) {
	rng := g.rng
	b, throttle := g.chooseBehavior(t)
	if i == g.deleteAt {
		b, throttle = g.deletion, false
	}
	e := g.newEvent()
	*e = event{recv: t, b: b, level: b.level, code: b.code, idHi: rng.Uint64(), idLo: rng.Uint64()}
	e.actor = rng.IntN(len(b.actors))
	a := b.actors[e.actor]
	switch b.ns {
	case nsAny:
		e.ns = g.cat.namespaces[rng.IntN(len(g.cat.namespaces))]
	case nsApp:
		e.ns = g.cat.appNamespaces[rng.IntN(len(g.cat.appNamespaces))]
	case nsOwn:
		e.ns = a.ns
		if e.ns == "" {
			e.ns = "default"
		}
	case nsFixed:
		e.ns = b.fixedNS
	}
	switch b.name {
	case nameAny:
		e.name = g.cat.objectName(rng, b.res, e.ns)
	case nameFixed:
		e.name = b.fixedName
	case nameNode:
		e.name = a.node
	case nameWorker:
		e.name = g.cat.workers[rng.IntN(len(g.cat.workers))]
	}
	if b == g.deletion {
		e.ns, e.name = g.deletion.fixedNS, g.deletion.fixedName
	}
	switch b.query {
	case qWatchName:
		e.sel = g.cat.objectName(rng, b.res, e.ns)
	case qWatchNode:
		e.sel = a.node
		if e.sel == "" {
			e.sel = g.cat.masters[rng.IntN(len(g.cat.masters))]
		}
	}
	if e.name == "" && b.body != bodyNone && b.res != nil && b.res.namespaced {
		e.sel = g.cat.objectName(rng, b.res, e.ns)
	}
	if g.cfg.VaryURIs {
		g.vary(e)
	}
	e.rv = 20000000 + (t-g.start)/50 + rng.Int64N(1000)
	if b.errRate > 0 && rng.Float64() < b.errRate {
		if b.verb == "get" || b.verb == "delete" {
			e.code = 404
		} else {
			e.code = 409
		}
	}
	if b.res != nil && b.res.name == "pods" && b.verb == "create" && b.sub == "" {
		e.podsec = rng.Float64() < 0.3
	}
	watch := b.verb == "watch"
	var lat int64
	switch {
	case throttle:
		e.code = 429
		e.apfWait = 200000 + rng.Int64N(1800000)
		lat = e.apfWait + rng.Int64N(300)
	case watch:
		e.timeoutS = 300 + rng.Int64N(300)
		lat = 200 + rng.Int64N(2000)
	default:
		lat = int64(b.latMicros * math.Exp(0.7*rng.NormFloat64()))
		if rng.IntN(400) == 0 {
			lat = 500000 + rng.Int64N(4500000)
		}
		lat = max(lat, 40)
	}
	e.lat = lat
	if rng.IntN(reqReceivedOne) == 0 {
		rr := g.newEvent()
		*rr = *e
		rr.stage, rr.at = stageRequestReceived, t
		g.push(rr)
	}
	if watch {
		rs := g.newEvent()
		*rs = *e
		rs.stage, rs.at = stageResponseStarted, t+lat
		g.push(rs)
		done := t + e.timeoutS*int64(time.Second/time.Microsecond)
		if done > g.end {
			done = max(g.end, t+lat)
		}
		e.lat = done - t
		lat = e.lat
	}
	e.stage, e.at = stageResponseComplete, t+lat
	g.push(e)
}

// vary gives the objects a request names, by path or by the fieldSelector
// of a watch, a suffix drawn from a space as large as half the requests
// (Config.VaryURIs): as in a real cluster, where kubelets get and watch
// the configmaps and secrets of each of their pods, most such requests
// name an object few others do. Namespaces and leases keep their names.
func (g *gen) vary(e *event) {
	b := e.b
	if b.res == nil || b.res.name == "namespaces" || b.res.name == "leases" {
		return
	}
	spread := max(uint64(g.n/2), 64)
	if b.name == nameAny && e.name != "" {
		e.name += "-" + strconv.FormatUint(g.rng.Uint64N(spread), 36)
	}
	if b.query == qWatchName && e.sel != "" {
		e.sel += "-" + strconv.FormatUint(g.rng.Uint64N(spread), 36)
	}
}

// eventHeap is a min-heap of events by stageTimestamp, then sequence.
type eventHeap []*event

func (h eventHeap) less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}

func (h *eventHeap) push(e *event) {
	*h = append(*h, e)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *eventHeap) pop() *event {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = nil
	s = s[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}
