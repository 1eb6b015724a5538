package aggregate

import "github.com/auditlens/auditlens/auditlog"

// Count counts entries by a key, and in total. It keeps every distinct key,
// so its top-K is exact. Adding an entry whose key was seen before
// allocates nothing.
type Count struct {
	key    Key
	buf    []byte
	counts map[string]*int64
	total  int64
	noKey  int64
	// samples, when kept (KeepSamples), are per key.
	samples map[string]*Samples
}

// NewCount returns an empty count by k.
func NewCount(k Key) *Count {
	return &Count{key: k, counts: make(map[string]*int64)}
}

// KeepSamples makes c keep up to MaxSamples auditIDs per key (Row.Samples),
// for drilling down with --uid, and returns c. It costs a second map
// lookup per entry; counts that will not show samples (the text views)
// need not keep them. Call it before the first Add, on every Count that is
// merged.
func (c *Count) KeepSamples() *Count {
	if c.samples == nil {
		c.samples = make(map[string]*Samples)
	}
	return c
}

// Fields is the set of event fields Count reads.
func (c *Count) Fields() auditlog.Fields {
	if c.samples != nil {
		return c.key.Fields() | auditlog.FieldAuditID
	}
	return c.key.Fields()
}

// Add counts e.
func (c *Count) Add(e *auditlog.Entry) {
	c.total++
	var ok bool
	c.buf, ok = c.key.Append(c.buf[:0], e)
	if !ok {
		c.noKey++
		return
	}
	addCount(c.counts, c.buf, 1)
	if c.samples != nil {
		addSample(c.samples, c.buf, e)
	}
}

// Merge adds the counts of o, a count by the same key, to c. o is not
// changed.
func (c *Count) Merge(o *Count) {
	c.total += o.total
	c.noKey += o.noKey
	for k, n := range o.counts {
		mergeCount(c.counts, k, *n)
	}
	if c.samples != nil {
		mergeSamples(c.samples, o.samples)
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
		Distinct: len(c.counts),
		Rows:     topRows(c.key, c.counts, n, c.samples),
	}
}
