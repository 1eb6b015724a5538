package filter

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/auditlens/auditlens/auditlog"
)

// WhereFailure counts the events on which one --where expression could not
// be evaluated. None of them was kept.
type WhereFailure struct {
	// Expr is the expression, as given.
	Expr string
	// Count is the number of events it failed on.
	Count int64
	// Samples are the first few failures (at most auditlog.MaxSamples, the
	// first to happen, in file and line order), each with CEL's error as
	// its Detail.
	Samples []auditlog.Sample
}

// WhereFailures returns the failures of every --where expression in f (f
// as Where or Flags.Build returned it, or any And, Or or Not of such
// filters) that failed on at least one event since it was built, in the
// order of the expressions. It is safe to call while workers still use f,
// though the counts are final only once they are done.
func WhereFailures(f Filter) []WhereFailure {
	var out []WhereFailure
	var walk func(Filter)
	walk = func(f Filter) {
		switch g := f.(type) {
		case *andFilter:
			for _, h := range g.fs {
				walk(h)
			}
		case *orFilter:
			for _, h := range g.fs {
				walk(h)
			}
		case *notFilter:
			walk(g.f)
		case *whereFilter:
			if wf := g.failures.result(g.expr); wf.Count > 0 {
				out = append(out, wf)
			}
		}
	}
	walk(f)
	return out
}

// failureTally counts an expression's failures from many workers at once,
// and keeps as samples the auditlog.MaxSamples first in file and line
// order, whichever worker meets them first, so that the samples do not
// depend on how the input was shared out.
type failureTally struct {
	count   atomic.Int64
	mu      sync.Mutex
	samples []auditlog.Sample
}

func (t *failureTally) add(e *auditlog.Entry, err error) {
	t.count.Add(1)
	s := auditlog.Sample{Line: e.Line}
	if e.Source != nil {
		s.File = e.Source.Path
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.samples) < auditlog.MaxSamples {
		s.Detail = strings.Clone(err.Error())
		t.samples = append(t.samples, s)
		return
	}
	last := slices.MaxFunc(t.samples, compareSamples)
	if compareSamples(s, last) >= 0 {
		return
	}
	i := slices.IndexFunc(t.samples, func(x auditlog.Sample) bool { return x == last })
	s.Detail = strings.Clone(err.Error())
	t.samples[i] = s
}

// compareSamples orders samples by file, then line.
func compareSamples(a, b auditlog.Sample) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
}

func (t *failureTally) result(expr string) WhereFailure {
	t.mu.Lock()
	samples := slices.Clone(t.samples)
	t.mu.Unlock()
	slices.SortFunc(samples, compareSamples)
	return WhereFailure{Expr: expr, Count: t.count.Load(), Samples: samples}
}
