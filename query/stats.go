package query

import (
	"io"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// -o stats: where requests spend their time, from the API server's
// apiserver.latency.k8s.io annotations.
func init() { register(&spec{name: "stats", build: buildStats}) }

func buildStats(p *plan, s *aggregate.Set) answerFunc {
	t := aggregate.Include(s, aggregate.NewTrackers())
	return func(sum aggregate.SummaryResult) answer {
		r := t.Result()
		return answer{parts: []format.Part{{Name: "trackers", Value: &r}}, summarized: true,
			text: func(w io.Writer) error { return format.WriteTrackers(w, sum, r) },
			csv:  func(w io.Writer) error { return format.WriteTrackersCSV(w, r) }}
	}
}
