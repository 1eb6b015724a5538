package aggregate

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestGroupIndex checks the index of groups against a map of their keys
// while groups are added, let go half at a time and added again, with
// keys whose hashes share their low bits (as the probes of one slot do).
func TestGroupIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var rows groupRows
	var x groupIndex
	want := map[string]int32{}
	hash := func(k string) uint32 { return hashGroupKey([]byte(k)) }
	find := func(k string) (int32, bool) {
		return x.find(hash(k), &rows, func(gr *group) bool { return gr.key() == k })
	}
	check := func(when string) {
		t.Helper()
		if x.n != len(want) {
			t.Fatalf("%s: %d groups indexed, want %d", when, x.n, len(want))
		}
		for k, i := range want {
			if got, ok := find(k); !ok || got != i {
				t.Fatalf("%s: find(%q) = %d, %v, want %d", when, k, got, ok, i)
			}
		}
		for range 200 {
			k := fmt.Sprint("absent-", rng.IntN(1<<20))
			if i, ok := find(k); ok {
				t.Fatalf("%s: find(%q) = %d, want none", when, k, i)
			}
		}
	}
	add := func(k string) {
		if _, ok := want[k]; ok {
			return
		}
		i := rows.add(newGroup([]byte(k), nil, 0, 200))
		x.insert(hash(k), i)
		want[k] = i
	}
	check("empty")
	for round := range 6 {
		for range 3000 {
			add(fmt.Sprint("key-", rng.IntN(20000)))
		}
		check(fmt.Sprint("round ", round, " added"))
		// Let go of about half, as makeRoom does, and compact.
		for k, i := range want {
			if rng.IntN(2) == 0 {
				*rows.at(i) = group{}
				rows.free = append(rows.free, i)
				delete(want, k)
			}
		}
		x.compact(&rows)
		check(fmt.Sprint("round ", round, " let go"))
		if 2*x.n > len(x.slots) {
			t.Fatalf("round %d: %d groups in %d slots", round, x.n, len(x.slots))
		}
	}
	var r groupIndex
	r.reserve(1000)
	if size := len(r.slots); size != 2048 {
		t.Errorf("reserve(1000): %d slots, want 2048", size)
	}
}

// TestGroupIndexCollisions: keys placed in the same slot, and keys whose
// 32 hash bits are equal, are told apart by their keys, also once some
// are let go and the index compacted, with the probes of a slot running
// past the end of the table (the last slot's hash) and a second cluster
// of other homes among them.
func TestGroupIndexCollisions(t *testing.T) {
	for _, h := range []uint32{7, 0xffffffff} {
		var rows groupRows
		var x groupIndex
		keys := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
		hashes := map[string]uint32{}
		for i, k := range keys {
			hashes[k] = h
			if i%3 == 2 {
				hashes[k] = h + 1 // homes right after the shared one
			}
			x.insert(hashes[k], rows.add(newGroup([]byte(k), nil, 0, 200)))
		}
		find := func(k string) (int32, bool) {
			return x.find(hashes[k], &rows, func(gr *group) bool { return gr.key() == k })
		}
		for want, k := range keys {
			if i, ok := find(k); !ok || i != int32(want) {
				t.Errorf("hash %#x: find(%q) = %d, %v, want %d", h, k, i, ok, want)
			}
		}
		if i, ok := find("z"); ok {
			t.Errorf("hash %#x: find(z) = %d, want none", h, i)
		}
		for _, k := range []string{"a", "c", "d", "h"} {
			i, _ := find(k)
			*rows.at(i) = group{}
		}
		x.compact(&rows)
		if x.n != 5 {
			t.Errorf("hash %#x: %d groups after compacting, want 5", h, x.n)
		}
		for want, k := range keys {
			i, ok := find(k)
			switch k {
			case "a", "c", "d", "h":
				if ok {
					t.Errorf("hash %#x: find(%q) = %d after letting it go", h, k, i)
				}
			default:
				if !ok || i != int32(want) {
					t.Errorf("hash %#x: find(%q) = %d, %v after compacting, want %d", h, k, i, ok, want)
				}
			}
		}
	}
}
