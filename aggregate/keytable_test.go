package aggregate

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// sharedSet is a Set whose members count by the same predefined keys, as
// the HTML page's do: the user (a count and a histogram), the resource (a
// count and a latency) and the verb.
type sharedSet struct {
	*Set
	users, resources, verbs *Count
	hist                    *Histogram
	latency                 *Latency
}

func newSharedSet() *sharedSet {
	s := &sharedSet{Set: new(Set)}
	s.users = Include(s.Set, NewCount(KeyUser).KeepSamples())
	s.hist = Include(s.Set, NewHistogram(time.Minute, KeyUser))
	s.resources = Include(s.Set, NewCount(KeyResource).KeepSamples())
	s.latency = Include(s.Set, NewLatency(KeyResource).KeepSamples())
	s.verbs = Include(s.Set, NewCount(KeyVerb))
	return s
}

func (s *sharedSet) Merge(o *sharedSet) { s.Set.Merge(o.Set) }

// result is what the members counted, as the kind "set-shared" shows it.
func (s *sharedSet) result() any {
	return []any{s.users.Result(10), s.hist.Result(2, 5), s.resources.Result(0), s.latency.Result(20), s.verbs.Result(0)}
}

// TestSetSharesKeys checks that the members of a Set that count by one
// predefined key share its table, and count as they do alone: fed
// through one Entry that is reset for every event (as a reader reuses
// its entries), so that a key kept from the entry before would show.
func TestSetSharesKeys(t *testing.T) {
	s := newSharedSet()
	if len(s.keys) != 3 || s.users.keys != s.hist.keys || s.resources.keys != s.latency.keys || s.users.keys == s.resources.keys {
		t.Fatalf("the Set's tables: %d, users %p %p, resources %p %p", len(s.keys), s.users.keys, s.hist.keys, s.resources.keys, s.latency.keys)
	}
	alone := []auditlog.Sink{NewCount(KeyUser).KeepSamples(), NewHistogram(time.Minute, KeyUser),
		NewCount(KeyResource).KeepSamples(), NewLatency(KeyResource).KeepSamples(), NewCount(KeyVerb)}
	reused := new(auditlog.Entry)
	for _, e := range allEntries(t) {
		reused.Reset(e.Event, e.Source, e.Line, e.Node)
		s.Add(reused)
		for _, a := range alone {
			a.Add(e)
		}
	}
	want := []any{alone[0].(*Count).Result(10), alone[1].(*Histogram).Result(2, 5), alone[2].(*Count).Result(0),
		alone[3].(*Latency).Result(20), alone[4].(*Count).Result(0)}
	if got, want := resultJSON(t, s.result()), resultJSON(t, want); !bytes.Equal(got, want) {
		t.Fatalf("a Set's members differ from the aggregators alone:\n%s\nwant:\n%s", clip(got), clip(want))
	}
}

// TestSetKeyOutsideAdd checks that a member of a Set fed directly, not by
// the Set's Add, reads the key of the entry it is given, even the same
// Entry the Set was fed last, reset to another event.
func TestSetKeyOutsideAdd(t *testing.T) {
	s := newSharedSet()
	e := new(auditlog.Entry)
	a, b := ev("get", "alice", "/api/v1/pods", 200, 0, time.Millisecond), ev("list", "bob", "/api/v1/nodes", 200, 1, time.Millisecond)
	e.Reset(a.Event, a.Source, 1, "")
	s.Add(e)
	e.Reset(b.Event, b.Source, 2, "")
	s.users.Add(e)
	s.latency.Add(e)
	users, latency := s.users.Result(0), s.latency.Result(0)
	if len(users.Rows) != 2 || users.Rows[0].Key != "alice" || users.Rows[1].Key != "bob" {
		t.Errorf("users: %+v, want alice and bob once each", users.Rows)
	}
	if len(latency.Rows) != 2 || latency.Rows[0].Key != "v1/nodes" || latency.Rows[1].Key != "v1/pods" {
		t.Errorf("latency: %+v, want v1/nodes and v1/pods", latency.Rows)
	}
}

// TestSharedKeysNotForNewKey checks that a key made with NewKey is not
// shared with a predefined key of the same name: it may read another
// thing.
func TestSharedKeysNotForNewKey(t *testing.T) {
	s := new(Set)
	mine := NewKey("user", KeyUsername.Fields(), func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, "me"...), true
	})
	users := Include(s, NewCount(KeyUser))
	other := Include(s, NewCount(mine))
	s.Add(ev("get", "alice", "/api/v1/pods", 200, 0, 0))
	if got := users.Result(0).Rows; len(got) != 1 || got[0].Key != "alice" {
		t.Errorf("KeyUser: %+v, want alice", got)
	}
	if got := other.Result(0).Rows; len(got) != 1 || got[0].Key != "me" {
		t.Errorf("a NewKey named user: %+v, want me", got)
	}
}

// groupedSet is a Set of a count by user and the grouped view of verbs,
// which numbers its users with the count's table.
type groupedSet struct {
	*Set
	users   *Count
	grouped *Grouped
}

func newGroupedSet() *groupedSet {
	s := &groupedSet{Set: new(Set)}
	s.users = Include(s.Set, NewCount(KeyUser).KeepSamples())
	s.grouped = Include(s.Set, NewGrouped(KeyVerb))
	return s
}

func (s *groupedSet) Merge(o *groupedSet) { s.Set.Merge(o.Set) }

// TestGroupedSharesUsers checks that a Grouped in a Set numbers its users
// with the table of KeyUser the Set shares, and groups as it does alone,
// whole and let go of (KeepAtMost), fed through one reused Entry; and
// that after a Set's merge the count by user, merged after the grouping
// that emptied itself, still has its users.
func TestGroupedSharesUsers(t *testing.T) {
	for _, c := range []struct {
		name string
		make func() *Grouped
	}{
		{"all", func() *Grouped { return NewGrouped(KeyVerb) }},
		{"page", func() *Grouped { return NewGrouped(KeyVerb).KeepAtMost(64).MeanLatencyOnly() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := new(Set)
			g := Include(s, c.make())
			users := Include(s, NewCount(KeyUser))
			if g.users != users.keys {
				t.Fatalf("the grouping numbers its users apart from the Set's table")
			}
			alone := c.make()
			reused := new(auditlog.Entry)
			for _, e := range allEntries(t) {
				reused.Reset(e.Event, e.Source, e.Line, e.Node)
				s.Add(reused)
				alone.Add(e)
			}
			if got, want := resultJSON(t, g.Result(0)), resultJSON(t, alone.Result(0)); !bytes.Equal(got, want) {
				t.Fatalf("a grouping in a Set differs from one alone:\n%s\nwant:\n%s", clip(got), clip(want))
			}
		})
	}
	a, b := newGroupedSet(), newGroupedSet()
	entries := synthEntries(5, 3000)
	whole := NewCount(KeyUser).KeepSamples()
	for i, e := range entries {
		whole.Add(e)
		if i%2 == 0 {
			a.Add(e)
		} else {
			b.Add(e)
		}
	}
	// The grouping merged first, as in a Set that includes it first: it
	// lets go of what it held, not of the table b's count reads.
	a.grouped.Merge(b.grouped)
	a.users.Merge(b.users)
	if got, want := resultJSON(t, a.users.Result(0)), resultJSON(t, whole.Result(0)); !bytes.Equal(got, want) {
		t.Fatalf("the count by user after the grouping's merge differs:\n%s\nwant:\n%s", clip(got), clip(want))
	}
}

// batchRecorder is a member of a Set that takes batches itself: it counts
// the entries it is given, and the batches.
type batchRecorder struct{ entries, batches int }

func (r *batchRecorder) Add(*auditlog.Entry) { r.entries++ }
func (r *batchRecorder) AddBatch(entries []*auditlog.Entry) {
	r.entries, r.batches = r.entries+len(entries), r.batches+1
}
func (r *batchRecorder) Fields() auditlog.Fields { return 0 }
func (r *batchRecorder) Merge(*batchRecorder)    {}

// TestSetAddBatch checks that a Set fed batches (AddBatch) counts what it
// counts fed the same entries one at a time, its members sharing their
// keys' tables (each member reads the key of each entry of the batch,
// numbered by the first member that read it), and that a member taking
// batches gets each batch whole.
func TestSetAddBatch(t *testing.T) {
	one, batched := newSharedSet(), newSharedSet()
	rec := Include(batched.Set, &batchRecorder{})
	entries := allEntries(t)
	for _, e := range entries {
		one.Add(e)
	}
	batches := 0
	for b := range slices.Chunk(entries, 64) {
		batched.AddBatch(b)
		batches++
	}
	if got, want := resultJSON(t, batched.result()), resultJSON(t, one.result()); !bytes.Equal(got, want) {
		t.Fatalf("a Set fed batches differs from one fed entries:\n%s\nwant:\n%s", clip(got), clip(want))
	}
	if rec.entries != len(entries) || rec.batches != batches {
		t.Errorf("the member taking batches got %d entries in %d batches, want %d in %d", rec.entries, rec.batches, len(entries), batches)
	}
	for i, want := range []*keyTable{batched.users.keys, batched.hist.keys, batched.resources.keys, batched.latency.keys, batched.verbs.keys, nil} {
		if got := batched.members[i].keys; want == nil && len(got) != 0 || want != nil && (len(got) != 1 || got[0] != want) {
			t.Errorf("member %d reads its keys from %v, want %p", i, got, want)
		}
	}
	for _, k := range batched.keys {
		if k.entry != nil {
			t.Errorf("the table of %s still names an entry after the batch", k.key.Name())
		}
	}
}
