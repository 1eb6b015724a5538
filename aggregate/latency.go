package aggregate

import (
	"slices"

	"github.com/auditlens/auditlens/auditlog"
)

// Latency keeps the distribution of request latencies (stageTimestamp -
// requestReceivedTimestamp) per key, in a mergeable sketch per key rather
// than a list of every latency.
//
// Two kinds of request are left out and counted apart, so that a view can
// say so: long-running requests (auditlog.Entry.LongRunning: watches,
// exec, attach, port-forward, proxy, log follow), whose latency says how
// long a client stayed connected, not how fast the API server answered,
// unless IncludeLongRunning; and requests whose latency is unknown (no
// stageTimestamp: v1beta1 events, GKE entries), which are not 0s.
type Latency struct {
	key             Key
	buf             []byte
	dists           map[string]*dist
	noKey           int64
	longRunning     int64 // left out
	unknown         int64 // latency unknown
	withLongRunning bool
	// samples, when kept (KeepSamples), are per key.
	samples map[string]*Samples
}

// NewLatency returns an empty latency distribution per key k, leaving out
// long-running requests.
func NewLatency(k Key) *Latency {
	return &Latency{key: k, dists: make(map[string]*dist)}
}

// KeepSamples makes l keep up to MaxSamples auditIDs per key
// (LatencyRow.Samples), as Count.KeepSamples does, and returns l.
func (l *Latency) KeepSamples() *Latency {
	if l.samples == nil {
		l.samples = make(map[string]*Samples)
	}
	return l
}

// IncludeLongRunning makes l count long-running requests too, as every
// other (the command's --long-running, which keeps nothing else), and
// returns l.
func (l *Latency) IncludeLongRunning() *Latency {
	l.withLongRunning = true
	return l
}

// Fields is the set of event fields Latency reads.
func (l *Latency) Fields() auditlog.Fields {
	f := l.key.Fields() | auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp
	if !l.withLongRunning {
		f |= auditlog.FieldsLongRunning
	}
	if l.samples != nil {
		f |= auditlog.FieldAuditID
	}
	return f
}

// Add adds the latency of e to its key's distribution, unless e is left
// out (see Latency) or has no key.
func (l *Latency) Add(e *auditlog.Entry) {
	if !l.withLongRunning && e.LongRunning() {
		l.longRunning++
		return
	}
	d, ok := e.Latency()
	if !ok {
		l.unknown++
		return
	}
	l.buf, ok = l.key.Append(l.buf[:0], e)
	if !ok {
		l.noKey++
		return
	}
	dd := l.dists[string(l.buf)]
	if dd == nil {
		dd = newDist()
		l.dists[string(l.buf)] = dd
	}
	dd.add(d)
	if l.samples != nil {
		addSample(l.samples, l.buf, e)
	}
}

// Merge adds the distributions of o, by the same key, to l. o is not
// changed.
func (l *Latency) Merge(o *Latency) {
	l.noKey += o.noKey
	l.longRunning += o.longRunning
	l.unknown += o.unknown
	for k, od := range o.dists {
		d := l.dists[k]
		if d == nil {
			d = newDist()
			l.dists[k] = d
		}
		d.merge(od)
	}
	if l.samples != nil {
		mergeSamples(l.samples, o.samples)
	}
}

// LatencyRow is the latency distribution of one key.
type LatencyRow struct {
	// Key is the key; for a composite, its parts joined by DisplaySeparator.
	Key string `json:"key"`
	// Parts are the parts of a composite key.
	Parts []string `json:"parts,omitempty"`
	// Latency is the distribution; Latency.Count is the key's count.
	Latency Quantiles `json:"latency"`
	// Samples are up to MaxSamples auditIDs of the key's entries, when
	// kept (KeepSamples).
	Samples []string `json:"samples,omitempty"`
}

// LatencyResult is what a Latency measured.
type LatencyResult struct {
	// By is the key's name.
	By string `json:"by"`
	// Columns are the names of the key's parts.
	Columns []string `json:"columns"`
	// NoKey is the number of entries that had no key.
	NoKey int64 `json:"noKey"`
	// LongRunning is the number of long-running requests left out; 0 when
	// they were counted (LongRunningIncluded).
	LongRunning int64 `json:"longRunning"`
	// LongRunningIncluded says long-running requests were counted as every
	// other (IncludeLongRunning).
	LongRunningIncluded bool `json:"longRunningIncluded"`
	// Unknown is the number of requests left out because their latency is
	// unknown (no stageTimestamp).
	Unknown int64 `json:"unknownLatency"`
	// Rows are the keys, by count (largest first) then key.
	Rows []LatencyRow `json:"rows"`
}

// Result returns the distributions of the n keys with the most entries (all
// when n <= 0).
func (l *Latency) Result(n int) LatencyResult {
	keys := make([]string, 0, len(l.dists))
	for k := range l.dists {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return compareCountKey(l.dists[a].count(), l.dists[b].count(), a, b)
	})
	if n > 0 && len(keys) > n {
		keys = keys[:n]
	}
	res := LatencyResult{By: l.key.Name(), Columns: l.key.Columns(), NoKey: l.noKey, LongRunning: l.longRunning,
		LongRunningIncluded: l.withLongRunning, Unknown: l.unknown, Rows: make([]LatencyRow, len(keys))}
	for i, k := range keys {
		res.Rows[i].Key, res.Rows[i].Parts = l.key.displayKey(k)
		res.Rows[i].Latency = l.dists[k].quantiles()
		if l.samples != nil {
			res.Rows[i].Samples = l.samples[k].IDs()
		}
	}
	return res
}
