package query

import (
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// -o top[=N] --by=KEY: the keys with the most requests. --by=verb and
// --by=httpstatus group the requests of each verb or code by path, query
// and user, as the reference tool does. -o csv[=N] is -o top[=N]
// --format=csv with every row by default.
func init() {
	top := spec{name: "top", n: 10, takesN: true, needsBy: true, usesBy: true, build: buildTop}
	csv := top
	csv.name, csv.doc, csv.n, csv.encoding = "csv", "top", 0, ptr(format.CSV)
	register(&top)
	register(&csv)
}

// grouped reports whether --by asks for the grouped view.
func (p *plan) grouped() bool { return p.by == "verb" || p.by == "httpstatus" }

func buildTop(p *plan, s *aggregate.Set) answerFunc {
	if !p.grouped() {
		c := p.count(s, p.key)
		return func(sum aggregate.SummaryResult) answer {
			r := c.Result(p.view.n)
			return answer{parts: []format.Part{{Name: "top", Value: &r}},
				text: func(w io.Writer) error { return format.WriteCount(w, r) },
				csv:  func(w io.Writer) error { return format.WriteCountCSV(w, r) }}
		}
	}
	g := aggregate.NewGrouped(p.key)
	if p.view.samples() {
		g.KeepSamples()
	}
	if p.view.enc == format.Text {
		// The reference's text view shows each group's mean latency
		// alone.
		g.MeanLatencyOnly()
	}
	aggregate.Include(s, g)
	return func(sum aggregate.SummaryResult) answer {
		r := g.Result(p.view.n)
		return answer{parts: []format.Part{{Name: "grouped", Value: &r}},
			text: func(w io.Writer) error { return format.WriteGrouped(w, r) },
			csv:  func(w io.Writer) error { return format.WriteGroupedCSV(w, r) }}
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
