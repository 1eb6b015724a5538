package aggregate

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Row is one key and its count.
type Row struct {
	// Key is the key; for a composite key, its parts joined by
	// DisplaySeparator.
	Key string `json:"key"`
	// Parts are the parts of a composite key, in the key's column order;
	// empty for a simple key.
	Parts []string `json:"parts,omitempty"`
	// Count is the number of entries with this key.
	Count int64 `json:"count"`
	// Samples are up to MaxSamples auditIDs of the key's entries, chosen
	// as Samples does, when the aggregator keeps samples (KeepSamples).
	Samples []string `json:"samples,omitempty"`
}

// compareCountKey orders by count, largest first, then by key.
func compareCountKey(ca, cb int64, ka, kb string) int {
	return cmp.Or(cmp.Compare(cb, ca), cmp.Compare(ka, kb))
}

// keyCount is a key and its count.
type keyCount struct {
	key   string
	count int64
}

// topRows turns a count map into rows, sorted by count (largest first) then
// key, keeping the first n (all when n <= 0).
func topRows(k Key, counts map[string]*int64, n int) []Row {
	all := make([]keyCount, 0, len(counts))
	for key, c := range counts {
		all = append(all, keyCount{key, *c})
	}
	return sortedRows(k, all, n, nil)
}

// sortedRows sorts keys by count (largest first) then key and returns the
// first n (all when n <= 0) as rows, with their samples when samplesOf is
// not nil.
func sortedRows(k Key, all []keyCount, n int, samplesOf func(key string) *Samples) []Row {
	slices.SortFunc(all, func(a, b keyCount) int { return compareCountKey(a.count, b.count, a.key, b.key) })
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	rows := make([]Row, len(all))
	for i, x := range all {
		rows[i].Key, rows[i].Parts = k.displayKey(x.key)
		rows[i].Count = x.count
		if samplesOf != nil {
			rows[i].Samples = samplesOf(x.key).IDs()
		}
	}
	return rows
}

// compareKeys orders two keys of k: as integers when k is numeric, as text
// otherwise.
func compareKeys(k Key, a, b string) int {
	if k.numeric {
		ia, errA := strconv.ParseInt(a, 10, 64)
		ib, errB := strconv.ParseInt(b, 10, 64)
		if errA == nil && errB == nil {
			return cmp.Compare(ia, ib)
		}
	}
	return cmp.Compare(a, b)
}

// addCount adds n to the count of key in m, inserting a copy of key when it
// is new. Looking up an existing key allocates nothing.
func addCount(m map[string]*int64, key []byte, n int64) {
	if c := m[string(key)]; c != nil {
		*c += n
		return
	}
	c := new(int64)
	*c = n
	m[string(key)] = c
}

// mergeCount adds n to the count of key in m. key is a string another map
// owns; strings are immutable, so it is shared, not copied.
func mergeCount(m map[string]*int64, key string, n int64) {
	if c := m[key]; c != nil {
		*c += n
		return
	}
	c := new(int64)
	*c = n
	m[key] = c
}

// counter returns the count of key in m, inserting a zero count under a
// copy of key when it is new (key may share memory with the line it came
// from). The count has a cache line of its own (counterLine): Summary
// adds to a few counts for every entry, and the Summaries of a Scan's
// workers, made one after the other, would otherwise share lines.
func counter(m map[string]*int64, key string) *int64 {
	c := m[key]
	if c == nil {
		c = &new(counterLine).n
		m[strings.Clone(key)] = c
	}
	return c
}

// counterLine is a count alone in a cache line: 64 bytes, a size class
// of Go's allocator whose objects are aligned to it.
type counterLine struct {
	n int64
	_ [56]byte
}
