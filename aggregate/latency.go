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
	key Key
	// keys numbers the keys; dists holds the distribution of key number
	// i at i, nil for a number it never measured (a Set's table numbers
	// the keys of its other members too), and samples its samples.
	keys            *keyTable
	dists           []*dist
	distinct        int // dists measured
	noKey           int64
	longRunning     int64 // left out
	unknown         int64 // latency unknown
	withLongRunning bool
	// keepSamples: samples are kept (KeepSamples), per key.
	keepSamples bool
	samples     []*Samples
}

// NewLatency returns an empty latency distribution per key k, leaving out
// long-running requests.
func NewLatency(k Key) *Latency {
	return &Latency{key: k, keys: newKeyTable(k)}
}

// shareKeys numbers l's keys with the table s shares, if l is empty.
func (l *Latency) shareKeys(s *Set) {
	if t := s.keyTable(l.key); t != nil && l.distinct == 0 && len(l.keys.values) == 0 {
		l.keys = t
	}
}

// dist returns the distribution of key number id, and its samples when
// kept, adding them if they are new.
func (l *Latency) dist(id int32) (*dist, *Samples) {
	l.dists = grown(l.dists, id)
	d := l.dists[id]
	if d == nil {
		d = newDist()
		l.dists[id] = d
		l.distinct++
	}
	if !l.keepSamples {
		return d, nil
	}
	l.samples = grown(l.samples, id)
	if l.samples[id] == nil {
		l.samples[id] = new(Samples)
	}
	return d, l.samples[id]
}

// KeepSamples makes l keep up to MaxSamples auditIDs per key
// (LatencyRow.Samples), as Count.KeepSamples does, and returns l.
func (l *Latency) KeepSamples() *Latency {
	l.keepSamples = true
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
	if l.keepSamples {
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
	id, ok := l.keys.of(e)
	if !ok {
		l.noKey++
		return
	}
	dd, samples := l.dist(id)
	dd.add(d)
	if samples != nil {
		samples.OfferHashed(e.SampleHash(), string(e.Event.AuditID))
	}
}

// Merge adds the distributions of o, by the same key, to l. o is not
// changed.
func (l *Latency) Merge(o *Latency) {
	l.noKey += o.noKey
	l.longRunning += o.longRunning
	l.unknown += o.unknown
	for id, od := range o.dists {
		if od == nil {
			continue
		}
		d, samples := l.dist(l.keys.numberString(o.keys.values[id]))
		d.merge(od)
		if samples != nil && id < len(o.samples) && o.samples[id] != nil {
			samples.Merge(o.samples[id])
		}
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
	keys := make([]int32, 0, l.distinct)
	for id, d := range l.dists {
		if d != nil {
			keys = append(keys, int32(id))
		}
	}
	slices.SortFunc(keys, func(a, b int32) int {
		return compareCountKey(l.dists[a].count(), l.dists[b].count(), l.keys.values[a], l.keys.values[b])
	})
	if n > 0 && len(keys) > n {
		keys = keys[:n]
	}
	res := LatencyResult{By: l.key.Name(), Columns: l.key.Columns(), NoKey: l.noKey, LongRunning: l.longRunning,
		LongRunningIncluded: l.withLongRunning, Unknown: l.unknown, Rows: make([]LatencyRow, len(keys))}
	for i, id := range keys {
		res.Rows[i].Key, res.Rows[i].Parts = l.key.displayKey(l.keys.values[id])
		res.Rows[i].Latency = l.dists[id].quantiles()
		if l.keepSamples && int(id) < len(l.samples) {
			res.Rows[i].Samples = l.samples[id].IDs()
		}
	}
	return res
}
