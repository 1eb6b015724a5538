package query

import (
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// -o latency[=N] --by=KEY [--sort=count|p99|max|mean]: latency quantiles
// per key, long-running requests left out unless --long-running asks.
func init() {
	register(&spec{name: "latency", n: 10, takesN: true, needsBy: true, usesBy: true, usesSort: true, build: buildLatency})
}

func buildLatency(p *plan, s *aggregate.Set) answerFunc {
	l := p.latency(s, p.key, p.view.samples())
	return func(sum aggregate.SummaryResult) answer {
		r := l.ResultBy(p.sort, p.view.n)
		return answer{parts: []format.Part{{Name: "latency", Value: &r}},
			text: func(w io.Writer) error { return format.WriteLatency(w, r) },
			csv:  func(w io.Writer) error { return format.WriteLatencyCSV(w, r) }}
	}
}
