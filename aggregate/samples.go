package aggregate

import (
	"cmp"
	"strings"
)

// MaxSamples is the most sample auditIDs a row keeps.
const MaxSamples = 10

// Samples holds up to MaxSamples auditIDs, in a fixed-size array: those
// with the smallest SampleHash (ties broken by auditID) among the auditIDs
// offered. The choice depends only on the set of auditIDs offered, never
// on their order or on how they were split between aggregators that were
// merged, so results stay deterministic. The zero Samples is empty.
type Samples struct {
	n int
	// cut is the hash of the last auditID kept once MaxSamples are: an
	// offer with a larger hash is not kept, known without reading ids
	// (other cache lines).
	cut uint64
	ids [MaxSamples]sample
}

type sample struct {
	hash uint64
	id   string
}

// compareSamples orders samples by hash, then auditID. The auditIDs are
// compared only when the hashes are equal: cmp.Or would compare them on
// every call, and reading a kept auditID is a cache miss on each offer of
// a request that is not kept.
func compareSamples(a, b sample) int {
	if c := cmp.Compare(a.hash, b.hash); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// Offer adds the auditID id if it is among the smallest. id is copied when
// kept, so it may point into a reader's buffers.
func (s *Samples) Offer(id string) {
	s.OfferHashed(SampleHash(id), id)
}

// OfferHashed is Offer for a caller that has the SampleHash of id.
func (s *Samples) OfferHashed(h uint64, id string) {
	if id == "" {
		return
	}
	c := sample{h, id}
	if s.n == MaxSamples && (h > s.cut || h == s.cut && compareSamples(c, s.ids[s.n-1]) >= 0) {
		return
	}
	// Insert in order: the array is short, so a linear scan from the end
	// is as fast as a binary search.
	i := s.n
	for i > 0 && compareSamples(c, s.ids[i-1]) < 0 {
		i--
	}
	if i > 0 && s.ids[i-1] == c {
		return // the same request, seen twice
	}
	if s.n < MaxSamples {
		s.n++
	}
	copy(s.ids[i+1:s.n], s.ids[i:s.n-1])
	c.id = strings.Clone(id)
	s.ids[i] = c
	if s.n == MaxSamples {
		s.cut = s.ids[s.n-1].hash
	}
}

// Merge adds the auditIDs of o to s.
func (s *Samples) Merge(o *Samples) {
	for _, c := range o.ids[:o.n] {
		s.OfferHashed(c.hash, c.id)
	}
}

// Len is the number of auditIDs held.
func (s *Samples) Len() int { return s.n }

// IDs returns the auditIDs, in (hash, auditID) order; nil when empty.
func (s *Samples) IDs() []string {
	if s == nil || s.n == 0 {
		return nil
	}
	out := make([]string, s.n)
	for i, c := range s.ids[:s.n] {
		out[i] = c.id
	}
	return out
}

// SampleHash is the 64-bit hash of an auditID that orders samples. It is
// fixed (the same on every machine, run and version): id is read 8 bytes at
// a time, little-endian, each word xored into the state, multiplied by
// 2^64 over the golden ratio and folded; the result goes through the
// SplitMix64 finalizer.
func SampleHash(id string) uint64 {
	const golden = 0x9E3779B97F4A7C15
	h := uint64(len(id)) * golden
	for len(id) >= 8 {
		w := uint64(id[0]) | uint64(id[1])<<8 | uint64(id[2])<<16 | uint64(id[3])<<24 |
			uint64(id[4])<<32 | uint64(id[5])<<40 | uint64(id[6])<<48 | uint64(id[7])<<56
		h = (h ^ w) * golden
		h ^= h >> 32
		id = id[8:]
	}
	var w uint64
	for i := len(id) - 1; i >= 0; i-- {
		w = w<<8 | uint64(id[i])
	}
	h = (h ^ w) * golden
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}
