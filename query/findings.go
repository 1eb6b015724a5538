package query

import (
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/format"
)

// -o findings: what overloads the API, named, with evidence and the next
// command to run.
func init() { register(&spec{name: "findings", build: buildFindings}) }

func buildFindings(p *plan, s *aggregate.Set) answerFunc {
	d := aggregate.Include(s, findings.New(p.findingsOptions()))
	return func(sum aggregate.SummaryResult) answer {
		r := d.Result()
		return answer{parts: []format.Part{{Name: "findings", Value: &r}},
			text: func(w io.Writer) error { return format.WriteFindings(w, r, format.FindingsOptions{Samples: p.verbose}) },
			csv:  func(w io.Writer) error { return format.WriteFindingsCSV(w, r) }}
	}
}
