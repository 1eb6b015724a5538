package query

import (
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// -o throttling[=N]: the 429 responses and API Priority and Fairness queue
// waits by user, and the 429s per minute.
func init() { register(&spec{name: "throttling", n: 10, takesN: true, build: buildThrottling}) }

func buildThrottling(p *plan, s *aggregate.Set) answerFunc {
	t := aggregate.Include(s, aggregate.NewThrottling())
	return func(sum aggregate.SummaryResult) answer {
		r := t.Result(p.view.n)
		return answer{parts: []format.Part{{Name: "throttling", Value: &r}},
			text: func(w io.Writer) error { return format.WriteThrottling(w, r, format.ThrottlingOptions{}) },
			csv:  func(w io.Writer) error { return format.WriteThrottlingCSV(w, r) }}
	}
}
