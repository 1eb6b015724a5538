package aggregate

import "github.com/auditlens/auditlens/auditlog"

// Count counts entries by a key, and in total. It keeps every distinct key,
// so its top-K is exact. Adding an entry whose key was seen before
// allocates nothing.
type Count struct {
	key Key
	// keys numbers the keys; byKey holds the count of key number i at i,
	// zero for a number this Count never counted (a Set's table numbers
	// the keys of its other members too).
	keys     *keyTable
	byKey    []countRow
	distinct int // rows counted
	total    int64
	noKey    int64
	// samples reports whether samples are kept (KeepSamples).
	samples bool
}

// countRow is the count of a key, and its samples when kept.
type countRow struct {
	n int64
	// gate is the SampleHash above which an auditID cannot enter the
	// samples, once they are full (Samples.gate): checked beside the
	// count, so that most offers never read the samples.
	gate    uint64
	samples *Samples
}

// NewCount returns an empty count by k.
func NewCount(k Key) *Count {
	return &Count{key: k, keys: newKeyTable(k)}
}

// KeepSamples makes c keep up to MaxSamples auditIDs per key (Row.Samples),
// for drilling down with --uid, and returns c. It costs a few hundred
// bytes per key; counts that will not show samples (the text views) need
// not keep them. Call it before the first Add, on every Count that is
// merged.
func (c *Count) KeepSamples() *Count {
	c.samples = true
	return c
}

// shareKeys numbers c's keys with the table s shares, if c is empty.
func (c *Count) shareKeys(s *Set) {
	if t := s.keyTable(c.key); t != nil && c.total == 0 && len(c.keys.values) == 0 {
		c.keys = t
	}
}

// Fields is the set of event fields Count reads.
func (c *Count) Fields() auditlog.Fields {
	if c.samples {
		return c.key.Fields() | auditlog.FieldAuditID
	}
	return c.key.Fields()
}

// Add counts e.
func (c *Count) Add(e *auditlog.Entry) {
	c.total++
	id, ok := c.keys.of(e)
	if !ok {
		c.noKey++
		return
	}
	r := c.row(id)
	r.n++
	if r.samples != nil {
		id := string(e.Event.AuditID)
		if h := e.SampleHash(); r.gate == 0 || h <= r.gate {
			r.samples.OfferHashed(h, id)
			r.gate = r.samples.gate()
		}
	}
}

// row returns the row of key number id, counted from now on: with its
// samples, when kept.
func (c *Count) row(id int32) *countRow {
	c.byKey = grown(c.byKey, id)
	r := &c.byKey[id]
	if r.n == 0 {
		c.distinct++
		if c.samples && r.samples == nil {
			r.samples = new(Samples)
		}
	}
	return r
}

// Merge adds the counts of o, a count by the same key, to c. o is not
// changed.
func (c *Count) Merge(o *Count) {
	c.total += o.total
	c.noKey += o.noKey
	for id := range o.byKey {
		or := &o.byKey[id]
		if or.n == 0 {
			continue
		}
		r := c.row(c.keys.numberString(o.keys.values[id]))
		r.n += or.n
		if r.samples != nil && or.samples != nil {
			r.samples.Merge(or.samples)
			r.gate = r.samples.gate()
		}
	}
}

// CountResult is what a Count counted.
type CountResult struct {
	// By is the key's name (user, resource, "user,verb").
	By string `json:"by"`
	// Columns are the names of the key's parts.
	Columns []string `json:"columns"`
	// Total is the number of entries added.
	Total int64 `json:"total"`
	// NoKey is the number of entries that had no key and were not counted
	// by key (non-resource requests, for the resource key).
	NoKey int64 `json:"noKey"`
	// Distinct is the number of distinct keys.
	Distinct int `json:"distinct"`
	// Rows are the top keys, by count (largest first) then key.
	Rows []Row `json:"rows"`
}

// Result returns the n keys with the highest counts (every key when n <= 0).
func (c *Count) Result(n int) CountResult {
	return CountResult{
		By:       c.key.Name(),
		Columns:  c.key.Columns(),
		Total:    c.total,
		NoKey:    c.noKey,
		Distinct: c.distinct,
		Rows:     c.rows(n),
	}
}

// rows returns the n keys with the highest counts as rows (every key when
// n <= 0), with their samples when kept.
func (c *Count) rows(n int) []Row {
	all := make([]keyCount, 0, c.distinct)
	for id := range c.byKey {
		if r := &c.byKey[id]; r.n > 0 {
			all = append(all, keyCount{c.keys.values[id], r.n})
		}
	}
	return sortedRows(c.key, all, n, func(key string) *Samples { return c.byKey[c.keys.numbers[key]].samples })
}
