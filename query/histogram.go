package query

import (
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// -o histogram[=N] [--bucket=D] [--by=KEY [--window=FROM,TO]]: requests
// per time bucket, and with --by the top keys of each bucket; with
// --window, the keys whose share grew most in the window against the rest
// of the log ("what changed?").
func init() {
	register(&spec{name: "histogram", n: 10, takesN: true, usesBy: true, usesWindow: true, usesBucket: true, build: buildHistogram})
}

func buildHistogram(p *plan, s *aggregate.Set) answerFunc {
	h := aggregate.Include(s, aggregate.NewHistogram(p.bucket, p.key))
	return func(sum aggregate.SummaryResult) answer {
		per := 0
		if p.key.Valid() {
			per = p.view.n
		}
		r := h.Result(per, p.view.n)
		a := answer{parts: []format.Part{{Name: "histogram", Value: &r}},
			text: func(w io.Writer) error { return format.WriteHistogram(w, r, format.HistogramOptions{}) },
			csv:  func(w io.Writer) error { return format.WriteHistogramCSV(w, r) }}
		if p.window == nil {
			return a
		}
		c := h.Changed(p.from, p.to, p.view.n)
		a.parts = append(a.parts, format.Part{Name: "changes", Value: &c})
		a.text = func(w io.Writer) error {
			if err := format.WriteHistogram(w, r, format.HistogramOptions{}); err != nil {
				return err
			}
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
			return format.WriteChanges(w, c, r.By)
		}
		a.csv = func(w io.Writer) error { return format.WriteChangesCSV(w, c, r.By) }
		return a
	}
}
