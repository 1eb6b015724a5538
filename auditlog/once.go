package auditlog

import (
	"context"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
)

// aggregated reports whether s is an aggregated API server of OpenShift:
// kube-apiserver proxies to it the requests of its API groups, and both
// log them.
func aggregated(s Server) bool { return s == ServerOpenShift || s == ServerOAuthAPI }

// countOnce drops the second copy of a request that two API servers
// logged: kube-apiserver, which received it, and the aggregated API server
// (openshift-apiserver, oauth-apiserver) it proxied it to. kube-apiserver
// forwards its audit ID with the request (Audit-ID, since Kubernetes 1.22,
// kubernetes#99237; OpenShift carries it), so both events have the same
// auditID. kube-apiserver's copy wins: it is the request as the client saw
// it (its source IP, its whole latency with the proxying, the status the
// client got), and it is the one the lab's -f audit_logs/kube-apiserver
// counts.
//
// The reader reads kube-apiserver's sources (and every other one but the
// aggregated servers') first. Of the events Keep accepts there, it keeps a
// 64-bit hash of the auditID of each request for an *.openshift.io API
// group (every group OpenShift's aggregated servers serve is one; the
// config.openshift.io and other CRD groups served by kube-apiserver itself
// cost memory, never correctness). Then it reads the aggregated servers'
// sources and drops each event Keep accepts whose auditID is in the set.
//
// Memory is about 37 bytes per request kube-apiserver proxied to an
// OpenShift group (or served for a CRD of one) and the filters kept
// (BenchmarkCountOnce: 16,837 such requests in 620 KB, of 115,000):
// bounded by those requests, not by all events. Two different auditIDs
// share a hash with a chance of one in 2^64 per pair: with a million
// proxied requests and a million aggregated events, about one chance in
// 20 million that one event is dropped wrongly.
type countOnce struct {
	seed   maphash.Seed
	shards [onceShards]onceShard
	frozen bool // the set is complete: kube-apiserver's events add nothing
}

const onceShards = 64

type onceShard struct {
	mu  sync.Mutex
	ids map[uint64]struct{}
}

// newCountOnce returns the deduplication of the sources, or nil when they
// do not hold both kube-apiserver's log and an aggregated server's.
func newCountOnce(sources []Source) *countOnce {
	kube, agg := false, false
	for i := range sources {
		if s := &sources[i]; s.Skip == "" {
			kube = kube || s.Server == ServerKube
			agg = agg || aggregated(s.Server)
		}
	}
	if !kube || !agg {
		return nil
	}
	c := &countOnce{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].ids = make(map[uint64]struct{})
	}
	return c
}

// phases returns the indices of the sources to read, in the order to read
// them: one phase, or with a countOnce, the aggregated servers' sources
// after all the others.
func (r *Reader) phases() [][]int {
	var first, second []int
	for i := range r.sources {
		if r.once != nil && aggregated(r.sources[i].Server) {
			second = append(second, i)
		} else {
			first = append(first, i)
		}
	}
	if len(second) == 0 {
		return [][]int{first}
	}
	return [][]int{first, second}
}

// prepare fills the set before a read that does not follow the phases
// (Sorted): it reads kube-apiserver's sources once, for the set only.
func (c *countOnce) prepare(r *Reader) {
	if c == nil || c.frozen {
		return
	}
	pre := &Reader{sources: r.sources, opts: r.opts, once: c}
	pre.opts.Progress = nil
	sinks := make([]Sink, runtime.GOMAXPROCS(0))
	for i := range sinks {
		sinks[i] = SinkFunc(func(*Entry) {})
	}
	var kube []int
	for i := range r.sources {
		if r.sources[i].Server == ServerKube {
			kube = append(kube, i)
		}
	}
	pre.scanSources(context.Background(), sinks, kube)
	c.frozen = true
}

// first reports whether e, an event Keep accepted, is not a copy of a
// request already counted: false for an aggregated server's event whose
// auditID kube-apiserver logged. It records the requests of kube-apiserver
// that an aggregated server may have logged too.
func (c *countOnce) first(e *Entry) bool {
	switch s := e.Source.Server; {
	case s == ServerKube:
		if !c.frozen && proxiedGroup(e.Event.RequestURI) {
			h := maphash.String(c.seed, string(e.Event.AuditID))
			sh := &c.shards[h%onceShards]
			sh.mu.Lock()
			sh.ids[h] = struct{}{}
			sh.mu.Unlock()
		}
	case aggregated(s):
		if e.Event.AuditID == "" {
			return true
		}
		h := maphash.String(c.seed, string(e.Event.AuditID))
		sh := &c.shards[h%onceShards]
		sh.mu.Lock()
		_, seen := sh.ids[h]
		sh.mu.Unlock()
		return !seen
	}
	return true
}

// proxiedGroup reports whether a request URI is of an *.openshift.io API
// group: /apis/GROUP/...
func proxiedGroup(uri string) bool {
	rest, ok := strings.CutPrefix(uri, "/apis/")
	if !ok {
		return false
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	return strings.HasSuffix(rest, ".openshift.io")
}

// size is the number of requests in the set.
func (c *countOnce) size() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.Lock()
		n += len(c.shards[i].ids)
		c.shards[i].mu.Unlock()
	}
	return n
}
