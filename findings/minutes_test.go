package findings

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMinuteCountsOrder checks minutes and series against a map of
// per-minute counts, for times in order (appended), repeated (counted in
// the last entry) and out of order (searched and inserted).
func TestMinuteCountsOrder(t *testing.T) {
	base := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC).UnixNano()
	rng := rand.New(rand.NewPCG(20, 26))
	for _, c := range []struct {
		name string
		next func(i int) int64 // the i-th time
	}{
		{"in order", func(i int) int64 { return base + int64(i)*int64(17*time.Second) }},
		{"runs in one minute", func(i int) int64 { return base + int64(i/7)*int64(time.Minute) }},
		{"out of order", func(int) int64 { return base + rng.Int64N(int64(3*time.Hour)) }},
		{"mostly in order", func(i int) int64 {
			return base + int64(i)*int64(10*time.Second) - rng.Int64N(int64(5*time.Minute))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := map[uint64]uint64{}
			var m minutes
			var s series
			for i := range 2000 {
				at := c.next(i)
				want[minuteOf(at)]++
				m.add(at, 1)
				s.add(at)
			}
			if got, ok := countsOf(m.entries()); !ok || !maps.Equal(got, want) {
				t.Errorf("minutes: got %v (sorted and distinct: %v), want %v", got, ok, want)
			}
			if s.shift != 0 {
				t.Fatalf("series: buckets of %d minutes, want 1", 1<<s.shift)
			}
			if got, ok := countsOf(s.b); !ok || !maps.Equal(got, want) {
				t.Errorf("series: got %v (sorted and distinct: %v), want %v", got, ok, want)
			}
		})
	}
}

// countsOf returns minute-wide entries (a minute in the high 32 bits, a
// count in the low 32) as a map of minute to count, and whether they are
// sorted by minute, each minute once.
func countsOf(entries []uint64) (map[uint64]uint64, bool) {
	out := map[uint64]uint64{}
	ok := true
	for i, e := range entries {
		if i > 0 && entries[i-1]>>32 >= e>>32 {
			ok = false
		}
		out[e>>32] += e & countMask
	}
	return out, ok
}

// TestMinutesLatestApart checks that the latest minute, held apart from
// the others, is counted and merged as any other: requests in one minute
// allocate nothing; a stream split in two and merged, either way round,
// gives the entries of the whole stream; a minute before the latest, come
// late, goes among the others.
func TestMinutesLatestApart(t *testing.T) {
	base := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC).UnixNano()
	var one minutes
	if n := testing.AllocsPerRun(100, func() { one.add(base+int64(time.Second), 1) }); n != 0 {
		t.Errorf("%v allocations a request in one minute, want 0", n)
	}
	if e := one.entries(); len(e) != 1 || e[0]&countMask != 101 {
		t.Errorf("one minute: entries %x, want one of 101 requests", e)
	}
	rng := rand.New(rand.NewPCG(7, 12))
	var whole, a, b minutes
	want := map[uint64]uint64{}
	for i := range 500 {
		at := base + int64(i)*int64(20*time.Second) - rng.Int64N(int64(3*time.Minute))
		want[minuteOf(at)]++
		whole.add(at, 1)
		if rng.IntN(2) == 0 {
			a.add(at, 1)
		} else {
			b.add(at, 1)
		}
	}
	ab, ba := a, minutes{}
	ab.done = slices.Clone(a.done)
	ab.merge(&b)
	ba.merge(&b)
	ba.merge(&a)
	for name, m := range map[string]*minutes{"whole": &whole, "a+b": &ab, "b+a": &ba} {
		if got, ok := countsOf(m.entries()); !ok || !maps.Equal(got, want) {
			t.Errorf("%s: got %v (sorted and distinct: %v), want %v", name, got, ok, want)
		}
		if m.latest>>32 != slices.Max(slices.Collect(maps.Keys(want))) {
			t.Errorf("%s: latest minute %d is not the last", name, m.latest>>32)
		}
	}
}

// TestMinutesMerge checks merge against adding the other's entries one by
// one: either side empty, one wholly before the other, one minute each,
// the same minutes, and counts that reach countMask.
func TestMinutesMerge(t *testing.T) {
	of := func(entries ...uint64) minutes { // minute, count pairs
		var m minutes
		for i := 0; i < len(entries); i += 2 {
			m.addMinute(entries[i], entries[i+1])
		}
		return m
	}
	for _, c := range []struct {
		name string
		a, b minutes
	}{
		{"empty other", of(5, 1, 9, 2), of()},
		{"empty self", of(), of(5, 1, 9, 2)},
		{"before", of(1, 1, 2, 1), of(7, 3, 8, 1)},
		{"after", of(7, 3, 8, 1), of(1, 1, 2, 1)},
		{"one each", of(4, 1), of(3, 2)},
		{"same minute", of(4, 1), of(4, 2)},
		{"interleaved", of(1, 1, 3, 1, 5, 1, 9, 1), of(2, 1, 3, 4, 9, 2, 10, 1)},
		{"saturated", of(3, countMask-1, 4, 1), of(3, 5, 4, countMask)},
	} {
		want := of()
		for _, e := range append(c.a.entries(), c.b.entries()...) {
			want.addMinute(e>>32, e&countMask)
		}
		b := c.b.entries()
		got := c.a
		got.done = slices.Clone(got.done)
		got.merge(&c.b)
		if !slices.Equal(got.entries(), want.entries()) || !slices.Equal(c.b.entries(), b) {
			t.Errorf("%s: merged %x, want %x; other %x, was %x", c.name, got.entries(), want.entries(), c.b.entries(), b)
		}
	}
}
