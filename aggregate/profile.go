package aggregate

import (
	"cmp"
	"slices"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// Profile counts, per key, what a comparison of two captures needs: the
// requests, the server time they took, their latency, and how many were
// refused, throttled or failed. It keeps every distinct key, as Count
// does; memory grows with the keys, never with the entries.
type Profile struct {
	key   Key
	buf   []byte
	rows  map[string]*profileRow
	total int64
	noKey int64
}

// profileRow is one key's profile.
type profileRow struct {
	requests, refused, throttled, failed int64
	serverTime                           time.Duration
	latency                              *dist
}

// NewProfile returns an empty profile by k.
func NewProfile(k Key) *Profile {
	return &Profile{key: k, rows: make(map[string]*profileRow)}
}

// Fields is the set of event fields Profile reads.
func (p *Profile) Fields() auditlog.Fields {
	return p.key.Fields() | auditlog.FieldResponseCode | auditlog.FieldRequestReceivedTimestamp |
		auditlog.FieldStageTimestamp | auditlog.FieldsLongRunning
}

// Add counts e. Its latency, when known and the request is not
// long-running (a watch lasts as long as it is open), is server time.
func (p *Profile) Add(e *auditlog.Entry) {
	p.total++
	var ok bool
	p.buf, ok = p.key.Append(p.buf[:0], e)
	if !ok {
		p.noKey++
		return
	}
	r := p.rows[string(p.buf)]
	if r == nil {
		r = &profileRow{latency: newDist()}
		p.rows[string(p.buf)] = r
	}
	r.requests++
	if rs := e.Event.ResponseStatus; rs != nil {
		switch c := rs.Code; {
		case c == 401 || c == 403:
			r.refused++
		case c == 429:
			r.throttled++
		case c >= 500:
			r.failed++
		}
	}
	if d, ok := e.Latency(); ok && !e.LongRunning() {
		r.serverTime += d
		r.latency.add(d)
	}
}

// Merge adds the profiles of o, by the same key, to p.
func (p *Profile) Merge(o *Profile) {
	p.total += o.total
	p.noKey += o.noKey
	for k, or := range o.rows {
		r := p.rows[k]
		if r == nil {
			p.rows[k] = or
			continue
		}
		r.requests += or.requests
		r.refused += or.refused
		r.throttled += or.throttled
		r.failed += or.failed
		r.serverTime += or.serverTime
		r.latency.merge(or.latency)
	}
	o.rows = nil
}

// ProfileRow is one key's profile.
type ProfileRow struct {
	// Key is the key; for a composite key, its parts joined by
	// DisplaySeparator. Parts are the parts of a composite key.
	Key   string   `json:"key"`
	Parts []string `json:"parts,omitempty"`
	// Requests is the number of requests with the key; Refused those
	// answered 401 or 403, Throttled 429, Failed 5xx.
	Requests  int64 `json:"requests"`
	Refused   int64 `json:"refused"`
	Throttled int64 `json:"throttled"`
	Failed    int64 `json:"failed"`
	// ServerTime is the summed latency of the requests whose latency is
	// known, long-running ones left out.
	ServerTime time.Duration `json:"serverTime"`
	// Latency is the distribution of those latencies.
	Latency Quantiles `json:"latency"`
}

// ProfileResult is what a Profile counted: every key, by requests.
type ProfileResult struct {
	// By is the key's name; Columns the names of its parts.
	By      string   `json:"by"`
	Columns []string `json:"columns"`
	// Total is the number of entries added; NoKey those without a key.
	Total int64 `json:"total"`
	NoKey int64 `json:"noKey"`
	// Rows are every key, the most requests first, then by key.
	Rows []ProfileRow `json:"rows"`
}

// Result returns every key's profile.
func (p *Profile) Result() ProfileResult {
	res := ProfileResult{By: p.key.Name(), Columns: p.key.Columns(), Total: p.total, NoKey: p.noKey,
		Rows: make([]ProfileRow, 0, len(p.rows))}
	for k, r := range p.rows {
		row := ProfileRow{Requests: r.requests, Refused: r.refused, Throttled: r.throttled, Failed: r.failed,
			ServerTime: r.serverTime, Latency: r.latency.quantiles()}
		row.Key, row.Parts = p.key.displayKey(k)
		res.Rows = append(res.Rows, row)
	}
	slices.SortFunc(res.Rows, func(a, b ProfileRow) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), cmp.Compare(a.Key, b.Key))
	})
	return res
}
