package aggregate

import "slices"

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
	// uncounted holds, by key, the most events a kept group may lack:
	// those of earlier rows of its key, let go.
	uncounted map[string]int64
	// During a merge: the floor before it, and the keys merged.
	floorBefore int64
	touched     map[string]bool
	order       []uint64 // scratch of makeRoom
}

// newOuter returns an empty outer group with room for n groups.
func (g *Grouped) newOuter(n int) *outerGroup {
	og := &outerGroup{groups: make(map[string]int32, n)}
	if g.most > 0 {
		og.bound = &groupBound{uncounted: make(map[string]int64)}
	}
	return og
}

// lacks returns the most events the kept group of key may lack.
func (b *groupBound) lacks(key string) int64 {
	if b == nil {
		return 0
	}
	return b.uncounted[key]
}

// letGoAtMost returns the most events a group that is not kept may have
// had.
func (b *groupBound) letGoAtMost() int64 {
	if b == nil {
		return 0
	}
	return b.floor
}

// admit notes that the group of key was just kept: it may lack the
// events of groups let go before.
func (og *outerGroup) admit(key string) {
	if b := og.bound; b != nil && b.floor > 0 {
		b.uncounted[key] = b.floor
	}
}

// makeRoom lets go of half of og's groups when it has g.most: those with
// the fewest events (with what they may lack), the earliest first among
// equals (to the second).
func (g *Grouped) makeRoom(og *outerGroup) {
	b := og.bound
	if b == nil || len(og.groups) < g.most {
		return
	}
	orderOf := func(key string, gr *group) uint64 {
		const secondBits = 40
		sec := uint64(max(gr.firstAt, 0)/1e9) & (1<<secondBits - 1)
		return uint64(min(gr.count+b.uncounted[key], 1<<24-1))<<secondBits | sec
	}
	b.order = b.order[:0]
	for key, i := range og.groups {
		b.order = append(b.order, orderOf(key, og.rows.at(i)))
	}
	slices.Sort(b.order)
	cut := b.order[max(len(b.order)/2, 1)-1]
	for key, i := range og.groups {
		gr := og.rows.at(i)
		if orderOf(key, gr) > cut {
			continue
		}
		b.floor = max(b.floor, gr.count+b.uncounted[key])
		g.samples.forget(og, g.sampleKey(gr))
		delete(b.uncounted, key)
		delete(b.touched, key)
		delete(og.groups, key)
		*gr = group{}
		og.rows.free = append(og.rows.free, i)
	}
}

// sampleKey returns the key a group's samples are kept by (see
// groupSamples).
func (g *Grouped) sampleKey(gr *group) string {
	if g.samples == nil {
		return ""
	}
	base, query, dir, user := gr.parts()
	return g.dirs.strings[dir] + base + "\x00" + query + "\x00" + g.users.strings[user]
}

// beginMerge notes the floor before merging another outer group into og.
func (og *outerGroup) beginMerge() {
	if b := og.bound; b != nil {
		b.floorBefore, b.touched = b.floor, make(map[string]bool)
	}
}

// merged notes that a group of another outer group was merged into the
// group of key, lacking up to lacks events there.
func (og *outerGroup) merged(key string, lacks int64) {
	if b := og.bound; b != nil {
		if lacks > 0 {
			b.uncounted[key] += lacks
		}
		b.touched[key] = true
	}
}

// endMerge ends merging the outer group whose bound is o into og: a group
// of og that o did not have may have had up to o's floor events there.
func (og *outerGroup) endMerge(o *groupBound) {
	b := og.bound
	if b == nil {
		return
	}
	if o != nil && o.floor > 0 {
		for key := range og.groups {
			if !b.touched[key] {
				b.uncounted[key] += o.floor
			}
		}
		b.floor = max(b.floor, b.floorBefore+o.floor)
	}
	b.touched = nil
}
