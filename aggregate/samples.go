package aggregate

import (
	"cmp"
	"strings"

	"github.com/auditlens/auditlens/internal/samplehash"
)

// MaxSamples is the most sample auditIDs a row keeps.
const MaxSamples = 10

// Samples holds up to MaxSamples auditIDs, in a fixed-size array: those
// with the smallest SampleHash (ties broken by auditID) among the auditIDs
// offered. The choice depends only on the set of auditIDs offered, never
// on their order or on how they were split between aggregators that were
// merged, so results stay deterministic. The zero Samples is empty.
type Samples struct {
	n   int
	ids [MaxSamples]sample
}

// sample is an auditID and its hash. An auditID in the canonical form of
// a UUID (36 characters, lowercase hex digits and four dashes), as the API
// server writes them, is held as its 16 bytes in uuid, id being empty:
// that costs no allocation and a third of the memory of its text;
// any other is held as text in id.
type sample struct {
	hash uint64
	uuid [2]uint64
	id   string
}

// newSample returns the sample of id (never empty) and its hash; its
// text is copied, so id may point into a reader's buffers.
func newSample(h uint64, id string) sample {
	if u, ok := packUUID(id); ok {
		return sample{hash: h, uuid: u}
	}
	return sample{hash: h, id: strings.Clone(id)}
}

// text returns the sample's auditID.
func (c sample) text() string {
	if c.id != "" {
		return c.id
	}
	return unpackUUID(c.uuid)
}

// compareSamples orders samples by hash, then by auditID.
func compareSamples(a, b sample) int {
	if a.hash != b.hash {
		return cmp.Compare(a.hash, b.hash)
	}
	if a.id == "" && b.id == "" {
		// Lowercase hex digits order as their values.
		return cmp.Or(cmp.Compare(a.uuid[0], b.uuid[0]), cmp.Compare(a.uuid[1], b.uuid[1]))
	}
	return strings.Compare(a.text(), b.text())
}

// uuidDashes are the positions of a canonical UUID's dashes.
var uuidDashes = [...]int{8, 13, 18, 23}

// packUUID returns the 16 bytes of id, a UUID in canonical lowercase form,
// as two words (the first 16 hex digits, then the last 16); ok is false
// for any other id.
func packUUID(id string) (u [2]uint64, ok bool) {
	if len(id) != 36 {
		return u, false
	}
	for _, d := range uuidDashes {
		if id[d] != '-' {
			return u, false
		}
	}
	digits := 0
	for i := 0; i < len(id); i++ {
		c := id[i]
		var v uint64
		switch {
		case c >= '0' && c <= '9':
			v = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			v = uint64(c-'a') + 10
		case c == '-' && (i == 8 || i == 13 || i == 18 || i == 23):
			continue
		default:
			return u, false
		}
		u[digits/16] = u[digits/16]<<4 | v
		digits++
	}
	return u, true
}

// unpackUUID returns the canonical text of a UUID packed by packUUID.
func unpackUUID(u [2]uint64) string {
	const hex = "0123456789abcdef"
	var b [36]byte
	digit := 0
	for i := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			b[i] = '-'
			continue
		}
		w := u[digit/16]
		b[i] = hex[w>>(4*(15-uint(digit%16)))&0xf]
		digit++
	}
	return string(b[:])
}

// gate is the SampleHash above which OfferHashed takes no auditID, once
// the samples are full; 0 while they are not (or when the largest hash
// kept is 0), when an offer must be made to know.
func (s *Samples) gate() uint64 {
	if s.n < MaxSamples {
		return 0
	}
	return s.ids[s.n-1].hash
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
	if s.n == MaxSamples && h > s.ids[s.n-1].hash {
		return // the common case, decided without looking at id
	}
	s.offer(newSample(h, id))
}

// offer adds c if it is among the smallest.
func (s *Samples) offer(c sample) {
	if s.n == MaxSamples && compareSamples(c, s.ids[s.n-1]) >= 0 {
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
	s.ids[i] = c
}

// Merge adds the auditIDs of o to s.
func (s *Samples) Merge(o *Samples) {
	for _, c := range o.ids[:o.n] {
		s.offer(c) // its text, if any, is shared: strings do not change
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
		out[i] = c.text()
	}
	return out
}

// SampleHash is the 64-bit hash of an auditID that orders samples. It is
// fixed (the same on every machine, run and version). An entry's is
// auditlog.Entry.SampleHash, worked out once for all aggregators.
func SampleHash(id string) uint64 { return samplehash.Of(id) }
