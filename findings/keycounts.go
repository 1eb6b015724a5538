package findings

import "github.com/auditlens/auditlens/internal/batch"

// keyCounts counts requests by key (a user...) in at most max keys: a
// request whose key would be new when max keys are held is dropped and
// counted. It is for a detector that counts every request and reads few
// of the counts: it holds keys and counts them in batches (package
// batch), reading first what each will need, so that the batch's cache
// misses overlap (as objectTable.flush does). Every method that reads the
// counts counts the keys held first.
type keyCounts struct {
	// index finds a row's position by the hash of its key (keyHash).
	index   hashIndex
	rows    []keyCount
	keys    keyArena
	max     int
	dropped int64
	// pending are the keys held, one after the other in pendingKeys;
	// touched sums what touch read.
	pending     []pendingKey
	pendingKeys []byte
	touched     uint64
}

// keyCount is a row of keyCounts.
type keyCount struct {
	hash uint64
	key  string
	n    int64
}

// pendingKey is a key keyCounts holds: its hash, and its end in
// keyCounts.pendingKeys (it starts where the previous key's ends).
type pendingKey struct {
	h   uint64
	end int32
}

func newKeyCounts(max int) keyCounts { return keyCounts{max: max} }

// count counts a request of key, which may point into the event.
func (c *keyCounts) count(key string) {
	c.pendingKeys = append(c.pendingKeys, key...)
	c.hold()
}

// countBytes counts a request of key, which may be a buffer reused.
func (c *keyCounts) countBytes(key []byte) {
	c.pendingKeys = append(c.pendingKeys, key...)
	c.hold()
}

// hold holds the key that ends pendingKeys, and counts the keys held when
// they fill a batch (batch.Full).
func (c *keyCounts) hold() {
	start := int32(0)
	if n := len(c.pending); n > 0 {
		start = c.pending[n-1].end
	}
	end := int32(len(c.pendingKeys))
	c.pending = append(c.pending, pendingKey{h: keyHash(c.pendingKeys[start:end]), end: end})
	if batch.Full(len(c.pending), len(c.pendingKeys)) {
		c.flush()
	}
}

// flush counts the keys held, in the order they came.
func (c *keyCounts) flush() {
	if len(c.pending) == 0 {
		return
	}
	c.touch()
	start := int32(0)
	for _, p := range c.pending {
		key := c.pendingKeys[start:p.end]
		start = p.end
		i, ok := c.find(key, p.h)
		if !ok {
			if len(c.rows) >= c.max {
				c.dropped++
				continue
			}
			i = int32(len(c.rows))
			c.rows = append(c.rows, keyCount{hash: p.h, key: c.keys.add(key)})
			c.index.insert(p.h, i)
		}
		c.rows[i].n++
	}
	c.pending = c.pending[:0]
	c.pendingKeys = batch.Emptied(c.pendingKeys)
}

// touch reads, for each key held, the index slot its hash points to, then
// the row that slot names when its tag is the hash's and the row's key;
// it changes nothing (see objectTable.touch).
func (c *keyCounts) touch() {
	slots := c.index.slots
	if len(slots) == 0 {
		return
	}
	mask := uint32(len(slots) - 1)
	var sum uint64
	for _, p := range c.pending {
		sum += uint64(slots[tagOf(p.h)&mask].pos1)
	}
	for _, p := range c.pending {
		if s := slots[tagOf(p.h)&mask]; s.pos1 != 0 && s.tag == tagOf(p.h) {
			r := &c.rows[s.pos1-1]
			sum += r.hash
			if len(r.key) > 0 {
				sum += uint64(r.key[len(r.key)-1])
			}
		}
	}
	c.touched = sum
}

// find returns the position of the row of key, whose hash is h.
func (c *keyCounts) find(key []byte, h uint64) (int32, bool) {
	return c.index.find(h, func(i int32) bool {
		r := &c.rows[i]
		return r.hash == h && r.key == string(key)
	})
}

// of returns the requests of key counted.
func (c *keyCounts) of(key string) int64 {
	c.flush()
	if i, ok := c.find([]byte(key), keyHash([]byte(key))); ok {
		return c.rows[i].n
	}
	return 0
}

// droppedRequests is the number of requests a full table did not count.
func (c *keyCounts) droppedRequests() int64 {
	c.flush()
	return c.dropped
}

// merge adds the counts of o to c; o's keys held are counted first.
func (c *keyCounts) merge(o *keyCounts) {
	c.flush()
	o.flush()
	c.dropped += o.dropped
	var key []byte
	for _, r := range o.rows {
		key = append(key[:0], r.key...)
		i, ok := c.find(key, r.hash)
		if !ok {
			if len(c.rows) >= c.max {
				c.dropped += r.n
				continue
			}
			i = int32(len(c.rows))
			c.rows = append(c.rows, keyCount{hash: r.hash, key: c.keys.addString(r.key)})
			c.index.insert(r.hash, i)
		}
		c.rows[i].n += r.n
	}
}
