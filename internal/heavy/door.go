package heavy

// The doorkeeper's largest number of counters (a table of 32,768 rows or
// more), and the most requests of a key it holds.
const (
	DoorSize   = 1 << 20
	DoorAbsorb = 2
)

// DoorLen is the number of counters of the doorkeeper of a table of max
// rows: 32 counters a row (a power of two), and at most DoorSize.
func DoorLen(max int) int {
	n := 1 << 10
	for n < 32*max && n < DoorSize {
		n <<= 1
	}
	return n
}

// Door is a doorkeeper (Einziger and Friedman's TinyLFU) for a table that
// has let rows go: small counters, indexed by a key's hash, count the
// first events of a key without a row, and let it in once its counter is
// past DoorAbsorb. The events it held are let go (the table counts them),
// and the table's floor is raised by DoorAbsorb, which bounds them (a
// counter only grows, and may be shared: a key never has more than
// DoorAbsorb events held). A capture that names hundreds of thousands of
// keys once or twice so no longer makes a row, and then lets it go, for
// each of them.
//
// Its counters are of two bits, four to a byte, a power of two of them: a
// counter never goes past DoorAbsorb, so it takes a quarter of the memory
// (and of the cache lines) a byte a counter would.
type Door []uint8

// NewDoor returns n counters at zero (n a power of two, at least 4).
func NewDoor(n int) Door { return make(Door, n/4) }

// Hold counts an event of the key whose hash is h and reports whether the
// doorkeeper holds it: whether the key's counter was below DoorAbsorb.
func (d Door) Hold(h uint64) bool {
	b, shift := d.counter(h)
	if (*b>>shift)&3 >= DoorAbsorb {
		return false
	}
	*b += 1 << shift
	return true
}

// Peek returns the byte that holds the counter of h, changing nothing: a
// table reading ahead what its next events will need (so that the reads
// of a batch wait for memory together) reads it.
func (d Door) Peek(h uint64) uint8 {
	b, _ := d.counter(h)
	return *b
}

// counter returns the byte holding h's counter and the counter's shift
// in it.
func (d Door) counter(h uint64) (*uint8, uint64) {
	i := h & uint64(len(d)*4-1)
	return &d[i/4], (i % 4) * 2
}
