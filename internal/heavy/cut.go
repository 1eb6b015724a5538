package heavy

import "slices"

// sampleSize is the most ranks Cut sorts.
const sampleSize = 1024

// cut returns the rank at the middle of ranks, or near it: the rows whose
// rank is at most cut's are let go, about half of them (more when many
// share the rank at the middle), and at least the lowest. Of many ranks
// it sorts an even sample of sampleSize, not all of them, so that letting
// go of half of a table of tens of thousands of rows costs one pass over
// them. ranks is reordered; it must not be empty.
func cut(ranks []uint64) uint64 {
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
