// Package batch bounds the batches in which the bounded tables of the
// aggregate and findings packages add the requests they hold. A table
// whose rows are mostly out of the processor's caches holds requests
// (their keys one after the other in a buffer) and adds them together,
// reading what each will need first, so that the reads from memory
// overlap; this package says when a batch is full and what becomes of its
// buffer of keys.
package batch

const (
	// Max is the most requests a table holds before it adds them.
	Max = 64
	// Bytes is the most bytes of keys a table holds before it adds them
	// (a path or a URI can be long).
	Bytes = 32 << 10
	// Keep is the largest buffer of keys kept for the next batch: one a
	// long key grew past it is let go once used.
	Keep = 4 * Bytes
)

// Full reports whether a batch of n requests whose keys take keyBytes
// bytes is to be added now.
func Full(n, keyBytes int) bool { return n >= Max || keyBytes >= Bytes }

// Emptied returns keys, a batch's buffer of keys once its requests are
// added, emptied: the same array, or nil when a long key made it larger
// than Keep.
func Emptied(keys []byte) []byte {
	if cap(keys) > Keep {
		return nil
	}
	return keys[:0]
}
