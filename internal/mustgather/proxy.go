package mustgather

import "math/rand/v2"

// proxy is an aggregated API server's requests on one node as
// kube-apiserver on that node sees them (Config.Proxied): a replica of the
// server's generator, with the same seed, so that it draws the very
// requests the server's own writer writes, in step with kube-apiserver's
// generator and without sharing anything with the server's.
type proxy struct {
	g     *gen
	next  int   // the index of the replica's next request
	nextT int64 // its time, once drawn
	drawn bool
}

// newProxy returns the replica of the generator of an aggregated server.
// rng must be seeded as the server's own generator's.
func newProxy(server *gen, rng *rand.Rand) *proxy {
	g := *server
	g.rng = rng
	g.pending, g.free, g.seq = nil, nil, 0
	return &proxy{g: &g}
}

// time draws the time of the replica's next request, as gen.run does.
func (p *proxy) time() (int64, bool) {
	g := p.g
	if p.next >= g.n {
		return 0, false
	}
	if !p.drawn {
		span := g.end - g.start
		t := g.start + span*int64(p.next)/int64(g.n)
		if step := span / int64(g.n); step > 1 {
			t += g.rng.Int64N(step)
		}
		p.nextT, p.drawn = t, true
	}
	return p.nextT, true
}

// proxyUpTo generates the aggregated servers' requests received up to t
// and queues kube-apiserver's events of those it proxied: every resource
// request (a health check goes to the server directly). kube-apiserver's
// copy has the same auditID, stages and response, and is received a hop
// earlier and answered a hop later than the aggregated server's.
func (g *gen) proxyUpTo(t int64) {
	for _, p := range g.proxies {
		for {
			ti, ok := p.time()
			if !ok || ti > t {
				break
			}
			p.g.request(p.next, ti)
			p.next++
			p.drawn = false
			for len(p.g.pending) > 0 {
				e := p.g.pending.pop()
				if e.b.res != nil {
					hop := proxyHop(e)
					k := g.newEvent()
					*k = *e
					k.recv -= hop
					k.at += hop
					k.lat += 2 * hop
					g.push(k)
				}
				p.g.free = append(p.g.free, e)
			}
		}
	}
}

// proxyHop is the time, in µs, a proxied request takes from kube-apiserver
// to the aggregated server: 0.3 to 2 ms, drawn from the auditID so that
// both servers' generators agree without sharing a random source.
func proxyHop(e *event) int64 { return 300 + int64(e.idLo%1700) }
