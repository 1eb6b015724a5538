package aggregate

import "github.com/auditlens/auditlens/auditlog"

// keyTable numbers the distinct values of a key as one worker reads them,
// so that an aggregator keeps its rows in a slice by number rather than in
// a map by string, and the aggregators of a Set that count by the same
// predefined key (the HTML page's count of users and its histogram by
// user; its count of resources and its latency by resource) read and
// look up each entry's key once between them (Set.Add), and hold each
// distinct value once. A value keeps its number for the table's life;
// numbers are dense from 0.
type keyTable struct {
	key     Key
	numbers map[string]int32
	values  []string // by number
	buf     []byte   // scratch: a key as read
	last    int32    // the number returned last, compared first
	// entry is the entry the Set that shares the table is feeding its
	// members (Set.Add), nil between entries; once numbered is true, id
	// and has are its key's number and whether it has one.
	entry    *auditlog.Entry
	numbered bool
	id       int32
	has      bool
	// batch is what entry, numbered, id and has were for each entry of a
	// batch (Set.AddBatch), kept while the Set feeds it to each member.
	batch []keyMemo
}

// keyMemo is what a keyTable knows of one entry's key: whether it was
// numbered yet, and if so its number and whether it has one.
type keyMemo struct {
	numbered, has bool
	id            int32
}

// recall makes e, the entry at position i of a batch, the entry being fed,
// with what is known of its key.
func (t *keyTable) recall(i int, e *auditlog.Entry) {
	m := t.batch[i]
	t.entry, t.numbered, t.id, t.has = e, m.numbered, m.id, m.has
}

// remember keeps what is known of the key of the entry at position i of a
// batch, for the next member.
func (t *keyTable) remember(i int) {
	t.batch[i] = keyMemo{numbered: t.numbered, has: t.has, id: t.id}
}

// newKeyTable returns an empty table of the values of k.
func newKeyTable(k Key) *keyTable {
	return &keyTable{key: k, numbers: make(map[string]int32)}
}

// of returns the number of the key of e, and false when e has no key.
// Within a Set's Add, the key of the entry being fed is read once.
func (t *keyTable) of(e *auditlog.Entry) (int32, bool) {
	if t.numbered && t.entry == e {
		return t.id, t.has
	}
	var ok bool
	id := int32(-1)
	if t.buf, ok = t.key.Append(t.buf[:0], e); ok {
		id = t.number(t.buf)
	}
	if t.entry == e {
		t.id, t.has, t.numbered = id, ok, true
	}
	return id, ok
}

// renumber returns the numbers in t of the values of o, by their number
// in o.
func (t *keyTable) renumber(o *keyTable) []uint32 {
	ids := make([]uint32, len(o.values))
	for i, v := range o.values {
		ids[i] = uint32(t.numberString(v))
	}
	return ids
}

// number returns the number of the value v, numbering a copy of it if it
// is new.
func (t *keyTable) number(v []byte) int32 {
	if int(t.last) < len(t.values) && t.values[t.last] == string(v) {
		return t.last
	}
	id, ok := t.numbers[string(v)]
	if !ok {
		id = t.add(string(v))
	}
	t.last = id
	return id
}

// numberString returns the number of v, a value another table holds,
// numbering v itself (strings are immutable: shared) if it is new.
func (t *keyTable) numberString(v string) int32 {
	if id, ok := t.numbers[v]; ok {
		return id
	}
	return t.add(v)
}

// add numbers v, a value not numbered yet.
func (t *keyTable) add(v string) int32 {
	id := int32(len(t.values))
	t.values = append(t.values, v)
	t.numbers[v] = id
	return id
}

// keySharer is an aggregator that can number its keys with a table its
// Set shares (Include).
type keySharer interface {
	shareKeys(s *Set)
}

// keyTable returns the table of s that numbers the values of k for its
// members, or nil when k is not a predefined key (whose name says what
// it reads: two keys of one name made by NewKey may read different
// things).
func (s *Set) keyTable(k Key) *keyTable {
	if !k.predefined {
		return nil
	}
	for _, t := range s.keys {
		if t.key.name == k.name {
			s.sharing = append(s.sharing, t)
			return t
		}
	}
	t := newKeyTable(k)
	s.keys = append(s.keys, t)
	s.sharing = append(s.sharing, t)
	return t
}

// grown returns rows with room for the row of number id, zero rows
// added.
func grown[T any](rows []T, id int32) []T {
	if int(id) < len(rows) {
		return rows
	}
	var zero T
	for int(id) >= len(rows) {
		rows = append(rows, zero)
	}
	return rows
}
