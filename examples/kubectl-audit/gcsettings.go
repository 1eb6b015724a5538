package main

// smallHeap is the live heap below which an aggregate view is taken to
// count into little (few groups, as --by=user): it is then collected at
// the default GOGC of 100 rather than gcPercent, since at 400 every byte
// held live lets four more of garbage pile up, and such a view allocates
// little beyond the blocks it reads, which it recycles, so collecting more
// often costs no CPU measurable. On a 1.15M-request must-gather, --by=user
// -otop collects 10 times instead of 2 and peaks about 14 MB lower.
const smallHeap = 16 << 20

// smallHeapPercent is the GOGC of a small heap.
const smallHeapPercent = 100

// gcSettings is the GOGC and the soft memory limit for a heap the last
// collection found live (0 before the first): for a small heap not being
// listed, smallHeapPercent and floor; else gcPercent and a limit at least
// floor and a quarter and 32 MiB above live (an eighth and 24 MiB while
// listing).
func gcSettings(live int64, listing bool, floor int64) (percent int, limit int64) {
	switch {
	case listing:
		return gcPercent, max(floor, live+live/8+24<<20)
	case live < smallHeap:
		return smallHeapPercent, floor
	}
	return gcPercent, max(floor, live+live/4+32<<20)
}
