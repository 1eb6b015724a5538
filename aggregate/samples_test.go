package aggregate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

// TestSamplesOrder checks that the samples kept depend only on the set of
// auditIDs offered: not on their order, repeats or splits and merges.
func TestSamplesOrder(t *testing.T) {
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-aaaa-4bbb-8ccc-%012x", i*7919, i)
	}
	var want Samples
	for _, id := range ids {
		want.Offer(id)
	}
	if want.Len() != MaxSamples {
		t.Fatalf("%d samples", want.Len())
	}
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		shuffled := slices.Clone(ids)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		parts := make([]Samples, 1+round%5)
		for i, id := range shuffled {
			parts[i%len(parts)].Offer(id)
			parts[r.IntN(len(parts))].Offer(id) // a repeat
		}
		var got Samples
		for i := range parts {
			got.Merge(&parts[i])
		}
		if !slices.Equal(got.IDs(), want.IDs()) {
			t.Fatalf("round %d: %v, want %v", round, got.IDs(), want.IDs())
		}
	}
	// They are the ten smallest hashes.
	sorted := slices.Clone(ids)
	slices.SortFunc(sorted, func(a, b string) int { return compareSamples(newSample(SampleHash(a), a), newSample(SampleHash(b), b)) })
	if !slices.Equal(want.IDs(), sorted[:MaxSamples]) {
		t.Errorf("samples %v, want %v", want.IDs(), sorted[:MaxSamples])
	}
}

func TestSamplesEdges(t *testing.T) {
	var s Samples
	if s.IDs() != nil || (*Samples)(nil).IDs() != nil {
		t.Error("empty samples have IDs")
	}
	s.Offer("")
	s.Offer("a")
	s.Offer("a")
	if got := s.IDs(); !slices.Equal(got, []string{"a"}) {
		t.Errorf("samples %v", got)
	}
}

// TestSamplesKeepText checks that every auditID comes back as it was
// offered, whether it was held packed (a canonical UUID) or as text, and
// that equal hashes are ordered by the auditIDs' text either way.
func TestSamplesKeepText(t *testing.T) {
	ids := []string{
		"0a1b2c3d-4e5f-6789-abcd-ef0123456789", // packed
		"ffffffff-ffff-ffff-ffff-ffffffffffff", // packed
		"00000000-0000-0000-0000-000000000000", // packed
		"0A1B2C3D-4E5F-6789-ABCD-EF0123456789", // upper case: text
		"0a1b2c3d-4e5f-6789-abcd-ef012345678",  // short: text
		"0a1b2c3d4e5f-6789-abcd-ef0123456789-", // dashes elsewhere: text
		"0a1b2c3d-4e5f-6789-abcd-ef012345678g", // not hex: text
		"0a1b2c3d-4e5f-6789-abcd-ef0123456789\x00",
		"x",
	}
	for _, id := range ids {
		var s Samples
		s.Offer(id)
		if got := s.IDs(); len(got) != 1 || got[0] != id {
			t.Errorf("offered %q, got %q", id, got)
		}
	}
	// Equal hashes: the order is the text's, packed or not.
	var s Samples
	for _, id := range ids {
		s.OfferHashed(42, id)
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	want = want[:min(len(want), MaxSamples)]
	if got := s.IDs(); !slices.Equal(got, want) {
		t.Errorf("equal hashes ordered %q, want %q", got, want)
	}
}

// FuzzPackUUID checks that an auditID packs only when its text comes back
// from the packed form, and that canonical UUIDs always pack.
func FuzzPackUUID(f *testing.F) {
	f.Add("0a1b2c3d-4e5f-6789-abcd-ef0123456789")
	f.Add("0A1B2C3D-4E5F-6789-ABCD-EF0123456789")
	f.Add("0a1b2c3d-4e5f-6789-abcd-ef012345678-")
	f.Add("")
	f.Fuzz(func(t *testing.T, id string) {
		u, ok := packUUID(id)
		if ok && unpackUUID(u) != id {
			t.Fatalf("%q packed, unpacks as %q", id, unpackUUID(u))
		}
		if canonical := len(id) == 36 && strings.Trim(id, "0123456789abcdef-") == "" &&
			id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-' && strings.Count(id, "-") == 4; canonical != ok {
			t.Fatalf("%q: packed %v, canonical %v", id, ok, canonical)
		}
	})
}

// TestSamplesEqualHashes checks the samples kept when hashes tie (the
// auditIDs then decide) against sorting every offer: ties at the last
// sample kept, repeats and offers in any order.
func TestSamplesEqualHashes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		var offers []sample
		for i := range 5 + round%40 {
			offers = append(offers, sample{hash: uint64(r.IntN(4)), id: fmt.Sprintf("id-%03d", r.IntN(30+i))})
		}
		var s Samples
		for _, c := range offers {
			s.OfferHashed(c.hash, c.id)
		}
		want := slices.Clone(offers)
		slices.SortFunc(want, compareSamples)
		want = slices.Compact(want)
		want = want[:min(len(want), MaxSamples)]
		var ids []string
		for _, c := range want {
			ids = append(ids, c.id)
		}
		if got := s.IDs(); !slices.Equal(got, ids) {
			t.Fatalf("round %d: %v, want %v", round, got, ids)
		}
	}
}

// TestCountSamplesGate: a count's rows, which offer an auditID to their
// samples only below the row's gate, keep the samples every offer made
// to the samples themselves keeps, on one worker and merged from two.
func TestCountSamplesGate(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	one, a, b := NewCount(KeyUser).KeepSamples(), NewCount(KeyUser).KeepSamples(), NewCount(KeyUser).KeepSamples()
	want := map[string]*Samples{}
	for i := range 5000 {
		user := fmt.Sprintf("user-%d", i%3)
		e := ev("get", user, "/api/v1/pods", 200, 0, 0)
		e.Event.AuditID = types.UID(fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1)))
		one.Add(e)
		if i%2 == 0 {
			a.Add(e)
		} else {
			b.Add(e)
		}
		if want[user] == nil {
			want[user] = new(Samples)
		}
		want[user].Offer(string(e.Event.AuditID))
	}
	a.Merge(b)
	for _, c := range []*Count{one, a} {
		for user, w := range want {
			if got := c.byKey[c.keys.numbers[user]].samples.IDs(); !slices.Equal(got, w.IDs()) {
				t.Errorf("%s: samples %v, want %v", user, got, w.IDs())
			}
		}
	}
}
