package aggregate

import "github.com/auditlens/auditlens/internal/evict"

// KeepAtMost makes g keep at most n groups of each outer key (n < 1: all,
// the default) and returns g. When an outer key has n groups and a new
// one comes, the half of its groups with the fewest events (the earliest
// first among equals) is let go, so that memory stays bounded however
// many distinct groups the input has, and the groups with the most events
// stay: a heavy-hitters summary in the manner of Space-Saving (Metwally,
// Agrawal and El Abbadi, 2005). A group let go and seen again starts
// over; what it may lack is its Uncounted, and GroupedOuter.LetGoAtMost
// is the most events a group that is not kept may have had. A view that
// shows the top groups (the HTML report's) needs no more than that.
func (g *Grouped) KeepAtMost(n int) *Grouped {
	g.most = max(n, 0)
	return g
}

// groupBound is what an outer group that lets groups go knows of them.
type groupBound struct {
	// floor is the most events a group without a row may have had.
	floor int64
	// uncounted holds, by position, the most events a kept group may
	// lack: those of earlier rows of its key, let go.
	uncounted []int64
	// During a merge: the floor before it, and the positions merged.
	floorBefore int64
	touched     []bool
	order       []uint64 // scratch of makeRoom
}

// newOuter returns an empty outer group with room for n groups.
func (g *Grouped) newOuter(n int) *outerGroup {
	og := &outerGroup{groups: make(map[string]int32, n)}
	if g.most > 0 {
		og.bound = new(groupBound)
	}
	return og
}

// lacks returns the most events the kept group at position i may lack.
func (b *groupBound) lacks(i int32) int64 {
	if b == nil || int(i) >= len(b.uncounted) {
		return 0
	}
	return b.uncounted[i]
}

// setLacks sets what the group at position i may lack.
func (b *groupBound) setLacks(i int32, n int64) {
	if int(i) >= len(b.uncounted) {
		if n == 0 {
			return
		}
		b.uncounted = append(b.uncounted, make([]int64, int(i)+1-len(b.uncounted))...)
	}
	b.uncounted[i] = n
}

// letGoAtMost returns the most events a group that is not kept may have
// had.
func (b *groupBound) letGoAtMost() int64 {
	if b == nil {
		return 0
	}
	return b.floor
}

// admit notes that the group at position i was just kept: it may lack the
// events of groups let go before.
func (og *outerGroup) admit(i int32) {
	if b := og.bound; b != nil {
		b.setLacks(i, b.floor)
		if int(i) < len(b.touched) {
			b.touched[i] = false
		}
	}
}

// makeRoom lets go of about half of og's groups (see evict.Cut) when it
// has g.most: those with the fewest events (with what they may lack), the
// earliest first among equals (to the second).
func (g *Grouped) makeRoom(og *outerGroup) {
	b := og.bound
	if b == nil || len(og.groups) < g.most {
		return
	}
	orderOf := func(i int32, gr *group) uint64 {
		const secondBits = 40
		sec := uint64(max(gr.firstAt, 0)/1e9) & (1<<secondBits - 1)
		return uint64(min(gr.count+b.lacks(i), 1<<24-1))<<secondBits | sec
	}
	b.order = b.order[:0]
	for i := range og.rows.n {
		if gr := og.rows.at(i); gr.keyLen > 0 {
			b.order = append(b.order, orderOf(i, gr))
		}
	}
	cut := evict.Cut(b.order)
	for i := range og.rows.n {
		gr := og.rows.at(i)
		if gr.keyLen == 0 || orderOf(i, gr) > cut {
			continue
		}
		b.floor = max(b.floor, gr.count+b.lacks(i))
		b.setLacks(i, 0)
		delete(og.groups, gr.key())
		*gr = group{}
		og.rows.free = append(og.rows.free, i)
	}
}

// beginMerge notes the floor before merging another outer group into og.
func (og *outerGroup) beginMerge() {
	if b := og.bound; b != nil {
		b.floorBefore = b.floor
		b.touched = make([]bool, og.rows.n)
	}
}

// merged notes that a group of another outer group was merged into the
// group at position i, lacking up to lacks events there.
func (og *outerGroup) merged(i int32, lacks int64) {
	b := og.bound
	if b == nil {
		return
	}
	if lacks > 0 {
		b.setLacks(i, b.lacks(i)+lacks)
	}
	if int(i) >= len(b.touched) {
		b.touched = append(b.touched, make([]bool, int(i)+1-len(b.touched))...)
	}
	b.touched[i] = true
}

// endMerge ends merging the outer group whose bound is o into og: a group
// of og that o did not have may have had up to o's floor events there.
func (og *outerGroup) endMerge(o *groupBound) {
	b := og.bound
	if b == nil {
		return
	}
	if o != nil && o.floor > 0 {
		for i := range og.rows.n {
			if og.rows.at(i).keyLen > 0 && (int(i) >= len(b.touched) || !b.touched[i]) {
				b.setLacks(i, b.lacks(i)+o.floor)
			}
		}
		b.floor = max(b.floor, b.floorBefore+o.floor)
	}
	b.touched = nil
}
