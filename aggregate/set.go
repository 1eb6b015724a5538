package aggregate

import (
	"slices"

	"github.com/auditlens/auditlens/auditlog"
)

// Set is one worker's aggregators behind a single sink: Add feeds every
// entry to each of them, Fields is the union of what they read, and Merge
// merges each with its counterpart in another Set. A Set is an
// [auditlog.Aggregator] itself, so that one auditlog.Scan answers several
// questions in one pass over the input.
//
// Each worker of a Scan builds its own Set, with the same code, so that the
// sets line up member by member; add members with [Include], which hands
// back the typed aggregator to read its Result from once the sets are
// merged:
//
//	s := new(aggregate.Set)
//	users := aggregate.Include(s, aggregate.NewCount(aggregate.KeyUser))
//	latency := aggregate.Include(s, aggregate.NewLatency(aggregate.KeyResource))
type Set struct {
	members []member
	fields  auditlog.Fields
	// later and now are the fields members read only through Entry.Fill
	// (their LaterFields), and the ones some member reads on every entry.
	later, now auditlog.Fields
	// keys number the values of the predefined keys members count by, for
	// all of them (keyTable).
	keys []*keyTable
	// sharing is scratch of Include: the tables a member asked for.
	sharing []*keyTable
}

// member is an aggregator of a Set, with what merges it with its
// counterpart in another Set.
type member struct {
	sink  auditlog.Sink
	merge func(o auditlog.Sink, keep bool)
	// keys are the Set's tables the member may number its keys with.
	keys []*keyTable
}

// keepingMerger is an aggregator whose Merge changes what it merges (a
// Grouped), with a merge that leaves it as it was. Every other aggregator's
// Merge leaves its argument unchanged.
type keepingMerger[T any] interface {
	mergeKeeping(o T)
}

// Include adds a to s and returns a.
func Include[T auditlog.Aggregator[T]](s *Set, a T) T {
	s.members = append(s.members, member{sink: a, merge: func(o auditlog.Sink, keep bool) {
		ot, ok := o.(T)
		if !ok {
			return
		}
		if k, ok := any(a).(keepingMerger[T]); ok && keep {
			k.mergeKeeping(ot)
			return
		}
		a.Merge(ot)
	}})
	s.fields |= a.Fields()
	var later auditlog.Fields
	if l, ok := any(a).(interface{ LaterFields() auditlog.Fields }); ok {
		later = l.LaterFields()
	}
	s.later |= later
	s.now |= a.Fields() &^ later
	if k, ok := any(a).(keySharer); ok {
		s.sharing = s.sharing[:0]
		k.shareKeys(s)
		s.members[len(s.members)-1].keys = slices.Clone(s.sharing)
	}
	return a
}

// Add feeds e to every member, in the order they were included. The
// members that count by one predefined key read e's key once between them.
func (s *Set) Add(e *auditlog.Entry) {
	for _, t := range s.keys {
		t.entry, t.numbered = e, false
	}
	for i := range s.members {
		s.members[i].sink.Add(e)
	}
	for _, t := range s.keys {
		t.entry = nil
	}
}

// AddBatch feeds entries to every member as Add does each, a member at a
// time: each member counts the whole batch while its tables are in the
// processor's caches (auditlog.BatchSink). A member that takes batches
// itself gets the batch whole. The members that count by one predefined
// key still read each entry's key once between them.
func (s *Set) AddBatch(entries []*auditlog.Entry) {
	for _, t := range s.keys {
		t.batch = append(t.batch[:0], make([]keyMemo, len(entries))...)
	}
	for i := range s.members {
		if b, ok := s.members[i].sink.(auditlog.BatchSink); ok {
			b.AddBatch(entries)
			continue
		}
		m, keys := s.members[i].sink, s.members[i].keys
		if len(keys) == 0 {
			for _, e := range entries {
				m.Add(e)
			}
			continue
		}
		for j, e := range entries {
			for _, t := range keys {
				t.recall(j, e)
			}
			m.Add(e)
			for _, t := range keys {
				t.remember(j)
			}
		}
	}
	for _, t := range s.keys {
		t.entry = nil
	}
}

// Fields is the union of the fields the members read.
func (s *Set) Fields() auditlog.Fields { return s.fields }

// LaterFields is the part of Fields that the members read only through
// Entry.Fill (see auditlog.Aggregator): what some member leaves for later
// and no member reads on every entry.
func (s *Set) LaterFields() auditlog.Fields { return s.later &^ s.now }

// Merge merges each member of o into the member of s at the same place. o
// must have been built by the same code as s: a member of o of another
// type than its counterpart in s, or beyond the end of s, is not merged.
// o is not to be read after: its members may have moved what they held
// (see Grouped.Merge).
func (s *Set) Merge(o *Set) {
	for i := range min(len(s.members), len(o.members)) {
		s.members[i].merge(o.members[i].sink, false)
	}
}

// MergeKeeping merges o into s as Merge does, and leaves o as it was, so
// that o can be merged again, and fed again: a server's minute of events,
// merged into every answer over a window that holds it.
func (s *Set) MergeKeeping(o *Set) {
	for i := range min(len(s.members), len(o.members)) {
		s.members[i].merge(o.members[i].sink, true)
	}
}
