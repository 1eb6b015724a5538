// Package evict chooses what the bounded tables of the aggregate and
// findings packages let go of when they are full: the half of their rows
// that rank lowest.
package evict

import "slices"

// sampleSize is the most ranks Cut sorts.
const sampleSize = 1024

// Cut returns the rank at the middle of ranks, or near it: the rows whose
// rank is at most Cut's are let go, about half of them (more when many
// share the rank at the middle), and at least the lowest. Of many ranks
// it sorts an even sample of sampleSize, not all of them, so that letting
// go of half of a table of tens of thousands of rows costs one pass over
// them. ranks is reordered; it must not be empty.
func Cut(ranks []uint64) uint64 {
	if len(ranks) > sampleSize {
		step := len(ranks) / sampleSize
		for i := range sampleSize {
			ranks[i] = ranks[i*step]
		}
		ranks = ranks[:sampleSize]
	}
	slices.Sort(ranks)
	return ranks[max(len(ranks)/2, 1)-1]
}
