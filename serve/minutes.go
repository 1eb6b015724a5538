package serve

import (
	"fmt"
	"iter"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/query"
)

// worker is one counting goroutine's minutes: mu is held while it counts
// a batch, and while a query merges its counters.
type worker struct {
	mu      sync.Mutex
	minutes map[int64]*minute // by Unix minute
}

// minute is the counters of the events received in one minute.
type minute struct {
	first, last int64 // times of its oldest and newest events, Unix nanoseconds
	events      int64
	counters    map[*standing]*query.Counter
}

func newWorker() *worker { return &worker{minutes: map[int64]*minute{}} }

// refused are the flags a server's queries do not take: it reads what it
// receives, with its own workers.
var refused = []string{"filename", "artifact-dir", "artifact-regex", "workers"}

// standingFor returns the standing query that counts what params ask for,
// adding one when none does (preset says it counts from the start), and
// whether it was added now. An added query may stop the one asked least
// recently from being counted, past Config.MaxQueries.
func (s *Server) standingFor(params string, preset bool) (*standing, *query.Live, error) {
	v, err := url.ParseQuery(params)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid parameters %q: %w", params, err)
	}
	q, err := query.ParseValues(v, refused...)
	if err != nil {
		return nil, nil, err
	}
	l, err := q.Live(s.cfg.Files...)
	if err != nil {
		return nil, nil, err
	}
	s.plansMu.Lock()
	defer s.plansMu.Unlock()
	st := s.byKey[l.Key()]
	if st == nil {
		st = &standing{live: l, params: params, preset: preset, since: time.Now(), fields: l.NewCounter().Fields()}
		s.byKey[l.Key()] = st
		plans := append(slices.Clone(s.plans.Load().list), st)
		asked := 0
		for _, p := range plans {
			if !p.preset {
				asked++
			}
		}
		if asked > s.cfg.MaxQueries {
			plans = s.dropLeastUsed(plans)
		}
		s.plans.Store(s.newPlanSet(plans))
	}
	st.lastUsed.Store(time.Now().UnixNano())
	return st, l, nil
}

// dropLeastUsed removes from plans the query asked least recently that
// is not a preset, and its counters.
func (s *Server) dropLeastUsed(plans []*standing) []*standing {
	i := -1
	for k, p := range plans {
		if !p.preset && (i < 0 || p.lastUsed.Load() < plans[i].lastUsed.Load()) {
			i = k
		}
	}
	if i < 0 {
		return plans
	}
	gone := plans[i]
	delete(s.byKey, gone.live.Key())
	for _, w := range s.stores() {
		w.mu.Lock()
		for _, m := range w.minutes {
			delete(m.counters, gone)
		}
		w.mu.Unlock()
	}
	return slices.Delete(plans, i, i+1)
}

// planSet is the standing queries, and the fields they and the metrics
// read: every field when the events are exported.
type planSet struct {
	list   []*standing
	fields auditlog.Fields
}

func (s *Server) newPlanSet(plans []*standing) *planSet {
	f := metricFields | auditlog.FieldRequestReceivedTimestamp
	if s.cfg.Parquet != "" {
		f = auditlog.FieldsAll
	}
	for _, p := range plans {
		f |= p.fields
	}
	return &planSet{list: plans, fields: f}
}

// count decodes a batch and counts its events in their minutes.
func (s *Server) count(i int, w *worker, b Batch) {
	set := s.plans.Load()
	plans := set.list
	opts := auditlog.Options{Fields: set.fields, EveryStage: true, EveryCopy: true}
	src := auditlog.Bytes(b.Name, b.Data)
	src.Server, src.Node = b.Server, b.Node
	r := auditlog.NewReader([]auditlog.Source{src}, opts)
	retain := s.cfg.Retain.Nanoseconds()
	tally := newBatchMetrics()
	w.mu.Lock()
	var (
		cur    *minute
		curAt  int64 = -1 << 62
		cs     []*query.Counter
		newest = s.newest.Load()
		tooOld int64
		noTime int64
		sink   = s.export.sink(i)
	)
	for e := range r.All() {
		t := e.Event.RequestReceivedTimestamp.Time
		if t.IsZero() {
			noTime++
			continue
		}
		ns := t.UnixNano()
		if ns > newest {
			newest = ns
		}
		at := floorMinute(ns)
		if at < floorMinute(newest-retain) {
			// Before the first minute kept (see expire and held).
			tooOld++
			continue
		}
		if at != curAt {
			cur, curAt = w.minute(at), at
			cs = cur.countersOf(plans, cs[:0])
		}
		cur.events++
		cur.first, cur.last = minNonZero(cur.first, ns), max(cur.last, ns)
		for _, c := range cs {
			c.Add(e)
		}
		tally.observe(e)
		if sink != nil {
			sink.Add(e)
		}
	}
	for {
		old := s.newest.Load()
		if newest <= old || s.newest.CompareAndSwap(old, newest) {
			break
		}
	}
	w.expire(floorMinute(s.newest.Load() - retain))
	before := floorMinute(s.newest.Load()) - sealAfter
	toSeal := w.holdsBefore(before)
	w.mu.Unlock()
	if toSeal {
		// Queries hold sealMu for reading while they merge, so that no
		// minute moves from a worker to the sealed ones under them
		// (counted twice, or missed).
		s.sealMu.Lock()
		w.mu.Lock()
		s.seal(w, before, floorMinute(s.newest.Load()-retain))
		w.mu.Unlock()
		s.sealMu.Unlock()
	}
	rep := r.Report()
	rep.ByFile = nil
	s.reportMu.Lock()
	s.report.Merge(rep)
	s.reportMu.Unlock()
	s.metrics.add(tally, rep, tooOld, noTime)
}

// floorMinute returns the Unix minute of a time in Unix nanoseconds.
func floorMinute(ns int64) int64 {
	m := ns / int64(time.Minute)
	if ns < 0 && ns%int64(time.Minute) != 0 {
		m--
	}
	return m
}

func minNonZero(a, b int64) int64 {
	if a == 0 || b < a {
		return b
	}
	return a
}

// minute returns the minute at, made when new.
func (w *worker) minute(at int64) *minute {
	m := w.minutes[at]
	if m == nil {
		m = &minute{counters: map[*standing]*query.Counter{}}
		w.minutes[at] = m
	}
	return m
}

// countersOf appends to cs the minute's counters of each plan, made when
// new.
func (m *minute) countersOf(plans []*standing, cs []*query.Counter) []*query.Counter {
	for _, p := range plans {
		c := m.counters[p]
		if c == nil {
			c = p.live.NewCounter()
			m.counters[p] = c
		}
		cs = append(cs, c)
	}
	return cs
}

// sealAfter is how many minutes behind the newest event a worker's
// minutes are merged into the server's sealed ones: the workers' copies
// of a minute become one, and memory holds each past minute once.
const sealAfter = 1

// holdsBefore reports whether w holds a minute before the minute before.
func (w *worker) holdsBefore(before int64) bool {
	for at := range w.minutes {
		if at < before {
			return true
		}
	}
	return false
}

// The sealed minutes are kept a minute each for the last fineMinutes
// minutes, and by coarseMinutes before: a window that reaches further
// back starts on a multiple of coarseMinutes (the first bucket that starts
// in it), and memory holds an hour in 15 or 16 buckets (and the minutes
// the workers have not sealed yet).
const (
	fineMinutes   = 10
	coarseMinutes = 10
)

// seal moves the minutes of w (whose lock is held, and sealMu) before the
// minute before into the sealed minutes, merging them with what those
// hold of the same bucket (a late batch's, or the other minutes of a
// coarse bucket), coarsens the sealed minutes past fineMinutes, and drops
// the buckets that start before the minute oldest.
func (s *Server) seal(w *worker, before, oldest int64) {
	s.sealed.mu.Lock()
	defer s.sealed.mu.Unlock()
	horizon := floorMinute(s.newest.Load()) - fineMinutes
	bucket := func(at int64) int64 {
		if at < horizon {
			return at - ((at%coarseMinutes)+coarseMinutes)%coarseMinutes
		}
		return at
	}
	into := func(at int64, m *minute) {
		key := bucket(at)
		if b := s.sealed.minutes[key]; b != nil {
			b.merge(m)
		} else {
			s.sealed.minutes[key] = m
		}
	}
	for at, m := range w.minutes {
		if at < before {
			delete(w.minutes, at)
			into(at, m)
		}
	}
	for at, m := range s.sealed.minutes {
		if bucket(at) != at {
			delete(s.sealed.minutes, at)
			into(at, m)
		}
	}
	s.sealed.expire(oldest)
}

// merge adds the events and counters of o to m.
func (m *minute) merge(o *minute) {
	m.events += o.events
	m.first, m.last = minNonZero(m.first, o.first), max(m.last, o.last)
	for p, c := range o.counters {
		if mc := m.counters[p]; mc != nil {
			mc.Merge(c)
		} else {
			m.counters[p] = c
		}
	}
}

// stores returns the workers' minutes and the sealed ones.
func (s *Server) stores() []*worker { return append(slices.Clip(s.workers), s.sealed) }

// expire drops the minutes before the minute oldest.
func (w *worker) expire(oldest int64) {
	for at := range w.minutes {
		if at < oldest {
			delete(w.minutes, at)
		}
	}
}

// held returns the times of the oldest and newest events kept.
func (s *Server) held() (first, last time.Time) {
	s.sealMu.RLock()
	defer s.sealMu.RUnlock()
	oldest := floorMinute(s.newest.Load() - s.cfg.Retain.Nanoseconds())
	var f, l int64
	for _, w := range s.stores() {
		w.mu.Lock()
		for at, m := range w.minutes {
			if at >= oldest && m.events > 0 {
				f, l = minNonZero(f, m.first), max(l, m.last)
			}
		}
		w.mu.Unlock()
	}
	if l == 0 {
		return first, last
	}
	return time.Unix(0, f).UTC(), time.Unix(0, l).UTC()
}

// countersIn returns the counters of st over the minutes that overlap
// [since, until) (a zero side is open) and are retained: each worker's
// lock is held while its counters are merged.
func (s *Server) countersIn(st *standing, since, until time.Time) iter.Seq[*query.Counter] {
	oldest := floorMinute(s.newest.Load() - s.cfg.Retain.Nanoseconds())
	from, to := oldest, int64(1<<62)
	if !since.IsZero() {
		from = max(from, floorMinute(since.UnixNano()))
	}
	if !until.IsZero() {
		to = floorMinute(until.UnixNano()-1) + 1
	}
	return func(yield func(*query.Counter) bool) {
		s.sealMu.RLock()
		defer s.sealMu.RUnlock()
		for _, w := range s.stores() {
			if !w.each(st, from, to, yield) {
				return
			}
		}
	}
}

// each yields the counters of st in the minutes [from, to), in time
// order, under w's lock.
func (w *worker) each(st *standing, from, to int64, yield func(*query.Counter) bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ats []int64
	for at := range w.minutes {
		if at >= from && at < to {
			ats = append(ats, at)
		}
	}
	slices.Sort(ats)
	for _, at := range ats {
		if c := w.minutes[at].counters[st]; c != nil && !yield(c) {
			return false
		}
	}
	return true
}

// Answer answers a query given as parameters of the command's flags
// (by=user&o=top&since=-5m) from the minutes kept: the Result the command
// gives for those events. A query no standing one counts starts being
// counted now; its first answers hold only what came since (see
// CountingSince).
func (s *Server) Answer(params url.Values) (*query.Result, error) {
	st, l, err := s.standingFor(params.Encode(), false)
	if err != nil {
		return nil, err
	}
	first, last := s.held()
	if last.IsZero() {
		// Nothing held yet: offsets count from now, and nothing is in
		// any window.
		first = time.Now().UTC()
		last = first
	}
	since, until, err := l.Window(first, last)
	if err != nil {
		return nil, err
	}
	return l.Answer(s.countersIn(st, since, until), s.Report(), first, last)
}

// CountingSince returns when the query of params started being counted:
// the server's start for the queries of Config.Queries.
func (s *Server) CountingSince(params url.Values) (time.Time, error) {
	st, _, err := s.standingFor(params.Encode(), false)
	if err != nil {
		return time.Time{}, err
	}
	return st.since, nil
}
