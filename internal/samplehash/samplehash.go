// Package samplehash is the hash of an auditID that orders sample
// requests: the aggregators keep, as a row's samples, the auditIDs with
// the smallest hashes, so that the choice does not depend on the order of
// the input or on how it was split between workers. The reader hashes
// each entry's auditID once (auditlog.Entry.SampleHash), for every
// aggregator of a Set; aggregate.SampleHash hashes any auditID.
package samplehash

// Of is the 64-bit hash of an auditID. It is fixed (the same on every
// machine, run and version): id is read 8 bytes at a time, little-endian,
// each word xored into the state, multiplied by 2^64 over the golden
// ratio and folded; the result goes through the SplitMix64 finalizer.
func Of(id string) uint64 {
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
