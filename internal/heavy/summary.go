// Package heavy is the heavy-hitters summary of the bounded tables of the
// aggregate and findings packages: a table that holds at most a given
// number of rows, keyed by anything, lets go of the half of its rows with
// the fewest counts when it is full, in the manner of Space-Saving
// (Metwally, Agrawal and El Abbadi, 2005), and knows how much any count
// may lack because of it.
//
// The table keeps its rows where it likes, at positions 0 to n-1 (a
// position is reused once its row is let go); a Summary keeps what the
// summary needs to know of them: the most a row may lack (its count before
// it was kept, let go with earlier rows of its key), and the floor, the
// most a key without a row may have had. A row's count is exact from when
// it was kept; count <= true count <= count + Lacks. A key counted more
// often than the rows let go were is never let go.
package heavy

// Summary is the heavy-hitters bookkeeping of one bounded table. Its zero
// value is an empty summary.
type Summary struct {
	// floor is the most a key without a row may have had: the largest
	// bound of a row let go.
	floor int64
	// lacks holds, by position, the most a kept row's count may lack.
	lacks []int64
	// dropped is the sum of the counts of the rows let go.
	dropped int64
	// During a merge: the floor before it, and the positions merged.
	floorBefore int64
	touched     []bool
	ranks       []uint64 // scratch of Evict
}

// Row is what Evict needs to know of the row at a position.
type Row struct {
	// Live is false for a free position.
	Live bool
	// Count is the row's count since it was kept.
	Count int64
	// At orders rows of equal bound, older first (Unix nanoseconds: the
	// time of the row's first or last event, as the table chooses).
	At int64
}

// Floor is the most a key without a row may have had; 0 for a nil
// summary (a table that lets nothing go).
func (s *Summary) Floor() int64 {
	if s == nil {
		return 0
	}
	return s.floor
}

// Dropped is the sum of the counts of the rows let go.
func (s *Summary) Dropped() int64 { return s.dropped }

// Lacks is the most the count of the row at position i may lack; 0 for a
// nil summary.
func (s *Summary) Lacks(i int32) int64 {
	if s == nil || int(i) >= len(s.lacks) {
		return 0
	}
	return s.lacks[i]
}

// setLacks sets what the row at position i may lack.
func (s *Summary) setLacks(i int32, n int64) {
	if int(i) >= len(s.lacks) {
		if n == 0 {
			return
		}
		s.lacks = append(s.lacks, make([]int64, int(i)+1-len(s.lacks))...)
	}
	s.lacks[i] = n
}

// RaiseFloor raises the floor by n: from now on, a key without a row may
// have had n more requests than the rows let go account for (a table that
// holds the first n requests of a new key somewhere else before it keeps
// a row for it), and so may every row kept from now on.
func (s *Summary) RaiseFloor(n int64) { s.floor += n }

// Admit notes that a new row was kept at position i: it may lack what
// a key without a row may have had.
func (s *Summary) Admit(i int32) {
	s.setLacks(i, s.floor)
	if int(i) < len(s.touched) {
		s.touched[i] = false
	}
}

// rank orders a row among those to let go: by its bound (capped at
// 2^24), then by the second of at.
func rank(bound, at int64) uint64 {
	const secondBits = 40
	sec := uint64(max(at, 0)/1e9) & (1<<secondBits - 1)
	return uint64(min(bound, 1<<24-1))<<secondBits | sec
}

// Evict lets go of about half of the live rows among positions 0 to n-1:
// those with the lowest bound (count and what it may lack), the oldest
// first among equals (to the second). row describes a position; letGo is
// called for each position let go, and must free it in the table.
func (s *Summary) Evict(n int32, row func(i int32) Row, letGo func(i int32)) {
	s.ranks = s.ranks[:0]
	for i := range n {
		if r := row(i); r.Live {
			s.ranks = append(s.ranks, rank(r.Count+s.Lacks(i), r.At))
		}
	}
	if len(s.ranks) == 0 {
		return
	}
	c := cut(s.ranks)
	for i := range n {
		r := row(i)
		if !r.Live || rank(r.Count+s.Lacks(i), r.At) > c {
			continue
		}
		s.floor = max(s.floor, r.Count+s.Lacks(i))
		s.dropped += r.Count
		s.setLacks(i, 0)
		letGo(i)
	}
}

// BeginMerge starts merging another table into this one, whose positions
// are 0 to n-1: call Merged for each row of the other table merged into a
// row of this one, then EndMerge.
func (s *Summary) BeginMerge(n int32) {
	s.floorBefore = s.floor
	s.touched = make([]bool, n)
}

// Merged notes that a row of the other table, which may lack lacks, was
// merged into the row at position i.
func (s *Summary) Merged(i int32, lacks int64) {
	if lacks > 0 {
		s.setLacks(i, s.Lacks(i)+lacks)
	}
	if int(i) >= len(s.touched) {
		s.touched = append(s.touched, make([]bool, int(i)+1-len(s.touched))...)
	}
	s.touched[i] = true
}

// EndMerge ends merging the table that o summarises (nil when it let
// nothing go) into this one, whose positions are 0 to n-1 and live
// reports the positions with a row: a row that o's table did not have
// may have had up to o's floor there, and so may a key with no row.
func (s *Summary) EndMerge(o *Summary, n int32, live func(i int32) bool) {
	if o != nil {
		s.dropped += o.dropped
		if o.floor > 0 {
			for i := range n {
				if live(i) && (int(i) >= len(s.touched) || !s.touched[i]) {
					s.setLacks(i, s.Lacks(i)+o.floor)
				}
			}
			s.floor = max(s.floor, s.floorBefore+o.floor)
		}
	}
	s.touched = nil
}
