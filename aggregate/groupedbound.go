package aggregate

import "github.com/auditlens/auditlens/internal/heavy"

// KeepAtMost makes g keep at most n groups of each outer key (n < 1: all,
// the default) and returns g. When an outer key has n groups and a new
// one comes, the half of its groups with the fewest events (the earliest
// first among equals) is let go, so that memory stays bounded however
// many distinct groups the input has, and the groups with the most events
// stay: a heavy-hitters summary (internal/heavy) in the manner of
// Space-Saving (Metwally, Agrawal and El Abbadi, 2005). Once groups were
// let go, a new group is kept only from its third event (a doorkeeper,
// heavy.Door, holds its first two), so that the URIs seen once or twice
// (hundreds of thousands in a large capture) do not each make a group and
// then let it go. A group let go and seen again starts over; what it may
// lack is its Uncounted, and GroupedOuter.LetGoAtMost is the most events
// a group that is not kept may have had. A view that shows the top groups
// (the HTML report's) needs no more than that.
func (g *Grouped) KeepAtMost(n int) *Grouped {
	g.most = max(n, 0)
	return g
}

// newOuter returns an empty outer group with room for n groups.
func (g *Grouped) newOuter(n int) *outerGroup {
	og := new(outerGroup)
	og.groups.reserve(n)
	if g.most > 0 {
		og.bound = new(heavy.Summary)
	}
	return og
}

// admit notes that the group at position i was just kept: it may lack the
// events of groups let go before.
func (og *outerGroup) admit(i int32) {
	if og.bound != nil {
		og.bound.Admit(i)
	}
}

// makeRoom lets go of about half of og's groups when it has g.most: those
// with the fewest events (with what they may lack), the earliest first
// among equals (to the second).
func (g *Grouped) makeRoom(og *outerGroup) {
	if og.bound == nil || og.groups.n < g.most {
		return
	}
	og.bound.Evict(og.rows.n, func(i int32) heavy.Row {
		gr := og.rows.at(i)
		return heavy.Row{Live: gr.keyLen > 0, Count: gr.count, At: gr.firstAt}
	}, func(i int32) {
		*og.rows.at(i) = group{}
		og.rows.free = append(og.rows.free, i)
	})
	og.groups.compact(&og.rows)
	if og.door == nil {
		og.door = heavy.NewDoor(heavy.DoorLen(g.most))
		og.bound.RaiseFloor(heavy.DoorAbsorb)
	}
}

// beginMerge starts merging another outer group into og.
func (og *outerGroup) beginMerge() {
	if og.bound != nil {
		og.bound.BeginMerge(og.rows.n)
	}
}

// merged notes that a group of another outer group was merged into the
// group at position i, lacking up to lacks events there.
func (og *outerGroup) merged(i int32, lacks int64) {
	if og.bound != nil {
		og.bound.Merged(i, lacks)
	}
}

// endMerge ends merging the outer group whose bound is o into og: a group
// of og that o did not have may have had up to o's floor events there.
func (og *outerGroup) endMerge(o *heavy.Summary) {
	if og.bound != nil {
		og.bound.EndMerge(o, og.rows.n, func(i int32) bool { return og.rows.at(i).keyLen > 0 })
	}
}
