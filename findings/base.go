package findings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// base is what the detectors of one Detectors share besides their tables:
// the options, the number of requests seen and their time span (for
// per-hour rates).
type base struct {
	opts     Options
	cmds     commands
	renews   []groupResource // opts.RenewedResources, parsed
	requests int64
	server   int64 // the requests' server time, nanoseconds (facts.cost)
	span     span
}

// groupResource is an API group and a resource.
type groupResource struct{ group, resource string }

func newBase(opts Options) base {
	opts = opts.withDefaults()
	b := base{opts: opts, cmds: commands{files: opts.Files}}
	for _, gr := range opts.RenewedResources {
		g, res, ok := strings.Cut(gr, "/")
		if !ok {
			g, res = "", gr
		}
		b.renews = append(b.renews, groupResource{g, res})
	}
	return b
}

// renewed reports whether the request's resource is one of
// Options.RenewedResources.
func (b *base) renewed(r *auditlog.Request) bool {
	for _, gr := range b.renews {
		if gr.resource == r.Resource && gr.group == r.APIGroup {
			return true
		}
	}
	return false
}

// see counts a request.
func (b *base) see(f *facts) {
	b.requests++
	server, _ := f.cost()
	b.server += server
	b.span.add(f.recv)
}

func (b *base) mergeBase(o *base) {
	b.requests += o.requests
	b.server += o.server
	b.span.merge(o.span)
}

// perHour reports whether count reaches rate per hour of the span seen.
func (b *base) perHour(count int64, rate float64) bool {
	return float64(count) >= rate*b.span.hours()
}

// rowsOf returns the first opts.Rows of rows, how many were left out, and
// the cost of them all.
func (b *base) rowsOf(rows []Evidence) ([]Evidence, int, Cost) {
	var c Cost
	for _, r := range rows {
		c.add(r.Cost)
	}
	if len(rows) > b.opts.Rows {
		return rows[:b.opts.Rows], len(rows) - b.opts.Rows, c
	}
	return rows, 0, c
}

// share is n/of, 0 when of is 0.
func share(n, of int64) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// keyed is a table key split into its parts and the value it holds.
type keyed[V any] struct {
	parts []string
	v     *V
}

// sortedKeys returns the entries of m with their keys split at NUL,
// ordered by count (largest first) then key.
func sortedKeys[V any](m map[string]*V, count func(*V) int64) []keyed[V] {
	out := make([]keyed[V], 0, len(m))
	for k, v := range m {
		out = append(out, keyed[V]{strings.Split(k, "\x00"), v})
	}
	slices.SortFunc(out, func(a, b keyed[V]) int {
		return cmp.Or(cmp.Compare(count(b.v), count(a.v)), slices.Compare(a.parts, b.parts))
	})
	return out
}

// appendKey appends parts separated by NUL: a table key.
func appendKey(dst []byte, parts ...string) []byte {
	for i, p := range parts {
		if i > 0 {
			dst = append(dst, 0)
		}
		dst = append(dst, p...)
	}
	return dst
}
