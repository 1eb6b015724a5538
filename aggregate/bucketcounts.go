package aggregate

import "iter"

// The density under which bucketCounts keeps a map: a slice holds at most
// denseSlack slots for each bucket counted, plus denseMin.
const (
	denseSlack = 4
	denseMin   = 64
)

// bucketCounts holds counts by bucket index. While the buckets it counts
// are dense (a key counted in most buckets of its span, as a busy user
// is, minute after minute), they are a slice from the first: a count is
// an index, not a map access, and takes 8 bytes, not a map entry's. Once
// they are not (a key counted a few times far apart), they move to a map,
// so that a slice never holds more than denseSlack slots a bucket counted
// (plus denseMin): never much more memory than the map would take.
type bucketCounts struct {
	first  int64
	dense  []int64 // the counts of buckets first, first+1...; 0 is none
	used   int     // the buckets of dense that hold a count
	sparse map[int64]int64
}

// add adds n (> 0) to bucket i.
func (b *bucketCounts) add(i, n int64) {
	if b.sparse != nil {
		b.sparse[i] += n
		return
	}
	if len(b.dense) == 0 {
		b.first, b.dense, b.used = i, append(b.dense, n), 1
		return
	}
	j := i - b.first
	if j < 0 || j >= int64(len(b.dense)) {
		lo, hi := min(b.first, i), max(b.first+int64(len(b.dense))-1, i)
		if hi-lo+1 > denseSlack*int64(b.used+1)+denseMin {
			b.toSparse()
			b.sparse[i] += n
			return
		}
		b.reach(lo, hi)
		j = i - b.first
	}
	if b.dense[j] == 0 {
		b.used++
	}
	b.dense[j] += n
}

// reach makes the slice span the buckets lo to hi, which include its own.
func (b *bucketCounts) reach(lo, hi int64) {
	if lo < b.first {
		// A new first bucket: rarely (a later file that starts earlier),
		// so the slice is copied once, with room for as many again.
		grown := make([]int64, hi-lo+1, 2*(hi-lo+1))
		copy(grown[b.first-lo:], b.dense)
		b.first, b.dense = lo, grown
		return
	}
	for int64(len(b.dense)) < hi-b.first+1 {
		b.dense = append(b.dense, 0)
	}
}

// toSparse moves the counts to a map.
func (b *bucketCounts) toSparse() {
	b.sparse = make(map[int64]int64, b.used+1)
	for j, n := range b.dense {
		if n != 0 {
			b.sparse[b.first+int64(j)] = n
		}
	}
	b.dense, b.used = nil, 0
}

// all yields every bucket that holds a count, and the count, in no
// particular order.
func (b *bucketCounts) all() iter.Seq2[int64, int64] {
	return func(yield func(int64, int64) bool) {
		if b.sparse != nil {
			for i, n := range b.sparse {
				if !yield(i, n) {
					return
				}
			}
			return
		}
		for j, n := range b.dense {
			if n != 0 && !yield(b.first+int64(j), n) {
				return
			}
		}
	}
}

// get returns the count of bucket i.
func (b *bucketCounts) get(i int64) int64 {
	if b.sparse != nil {
		return b.sparse[i]
	}
	if j := i - b.first; j >= 0 && j < int64(len(b.dense)) {
		return b.dense[j]
	}
	return 0
}

// rebucket returns the counts in buckets factor times wider.
func (b *bucketCounts) rebucket(factor int64) bucketCounts {
	var wide bucketCounts
	for i, n := range b.all() {
		wide.add(floorDiv(i, factor), n)
	}
	return wide
}
