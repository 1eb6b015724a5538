package aggregate

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// TestBucketCounts holds bucketCounts against a map over sequences of
// buckets that stay dense, start earlier, jump far apart and go below
// zero, and their rebucketing; and checks that the slice never holds more
// than its bound.
func TestBucketCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	walks := map[string]func(k int, prev int64) int64{
		"in order":       func(k int, prev int64) int64 { return int64(k / 3) },
		"two files":      func(k int, prev int64) int64 { return int64(k % 500) },
		"later earlier":  func(k int, prev int64) int64 { return 1000 - int64(k/2) },
		"mostly in time": func(k int, prev int64) int64 { return prev + int64(r.IntN(3)) - 1 },
		"far apart":      func(k int, prev int64) int64 { return int64(r.IntN(1_000_000)) - 500_000 },
		"dense then far": func(k int, prev int64) int64 {
			if k == 900 {
				return 1 << 40
			}
			return int64(k % 200)
		},
		"negative": func(k int, prev int64) int64 { return -int64(k % 300) },
	}
	for name, next := range walks {
		t.Run(name, func(t *testing.T) {
			var b bucketCounts
			want := map[int64]int64{}
			var i int64
			for k := range 1000 {
				i = next(k, i)
				n := int64(1 + r.IntN(3))
				b.add(i, n)
				want[i] += n
				if b.sparse == nil && len(b.dense) > denseSlack*(b.used+1)+denseMin {
					t.Fatalf("after %d adds: %d slots for %d buckets", k+1, len(b.dense), b.used)
				}
			}
			if got := maps.Collect(b.all()); !maps.Equal(got, want) {
				t.Fatalf("counts differ from the map's: %d buckets, want %d", len(got), len(want))
			}
			for i, n := range want {
				if b.get(i) != n {
					t.Fatalf("get(%d) = %d, want %d", i, b.get(i), n)
				}
			}
			if b.get(1<<50) != 0 {
				t.Error("a bucket never counted holds a count")
			}
			for _, factor := range []int64{2, 7, 1024} {
				wide := b.rebucket(factor)
				w := map[int64]int64{}
				for i, n := range want {
					w[floorDiv(i, factor)] += n
				}
				if got := maps.Collect(wide.all()); !maps.Equal(got, w) {
					t.Errorf("rebucket(%d) differs from the map's", factor)
				}
			}
		})
	}
}

// TestKeepTop: the first n of keys by count then key, kept as they come,
// are those a sort of all of them gives.
func TestKeepTop(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 3, 10} {
		for round := range 50 {
			var all, top []keyCount
			for k := range r.IntN(40) {
				c := keyCount{key: string(rune('a'+k%26)) + string(rune('a'+k/26)), count: int64(r.IntN(5))}
				all = append(all, c)
				top = keepTop(top, c, n)
			}
			want := sortedRows(KeyUser, all, n, nil)
			got := sortedRows(KeyUser, top, n, nil)
			if len(got) != len(want) {
				t.Fatalf("n %d round %d: %d rows, want %d", n, round, len(got), len(want))
			}
			for i := range want {
				if got[i].Key != want[i].Key || got[i].Count != want[i].Count {
					t.Fatalf("n %d round %d: row %d is %+v, want %+v", n, round, i, got[i], want[i])
				}
			}
		}
	}
}

// TestPositions: a bucket's position among sorted buckets, dense or far
// apart.
func TestPositions(t *testing.T) {
	for _, idx := range [][]int64{{}, {5}, {-3, -2, 0, 4, 9}, {-1 << 40, 0, 7, 1 << 40}} {
		pos := positions(idx)
		for j, i := range idx {
			if got := pos(i); got != j {
				t.Errorf("%v: position of %d is %d, want %d", idx, i, got, j)
			}
		}
	}
}
