package query

import (
	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/format"
)

// -o html[=N] [--bucket=D]: one self-contained page of every view, the
// findings first.
func init() {
	register(&spec{name: "html", n: 10, takesN: true, usesBucket: true, page: true,
		refusesBy: "whose tables have their own keys", build: buildHTML})
}

// htmlGroups is the most groups of each verb the HTML page's grouped
// table keeps per worker (aggregate.Grouped.KeepAtMost): about 2 MB each.
// The top groups of a verb have thousands of requests; the groups let go
// have a handful.
const htmlGroups = 8192

// htmlTopKeys are the keys of the count tables of -o html, in page order.
var htmlTopKeys = []aggregate.Key{aggregate.KeyUser, aggregate.KeyResource, aggregate.KeyNamespace, aggregate.KeyVerb, aggregate.KeyHTTPStatus}

// buildHTML counts for the page: the findings, the count tables, the
// grouped top of --by=verb, the histogram of --bucket by user, latency by
// resource and throttling, fed by one Scan. The count tables and latency
// keep sample auditIDs; the grouped table keeps none, and the htmlGroups
// groups of each verb with the most requests: it shows the top groups,
// and a group of every distinct URI is what memory would grow with. It
// shows their mean latency alone. The histogram spans at most as many
// buckets as the chart has bars, widening them past that: counted by
// user, a day of one-minute buckets holds 1,440 counts of a user seen
// every minute, and the chart would draw them several to a bar.
func buildHTML(p *plan, s *aggregate.Set) answerFunc {
	found := aggregate.Include(s, findings.New(p.findingsOptions()))
	var tops []*aggregate.Count
	for _, k := range htmlTopKeys {
		tops = append(tops, aggregate.Include(s, aggregate.NewCount(k).KeepSamples()))
	}
	grouped := aggregate.Include(s, aggregate.NewGrouped(aggregate.KeyVerb).KeepAtMost(htmlGroups).MeanLatencyOnly())
	hist := aggregate.Include(s, aggregate.NewHistogram(p.bucket, aggregate.KeyUser).SpanAtMost(format.ChartBars))
	latency := p.latency(s, aggregate.KeyResource, true)
	throttling := aggregate.Include(s, aggregate.NewThrottling())
	return func(sum aggregate.SummaryResult) answer {
		n := p.view.n
		f := found.Result()
		page := &format.HTMLReport{Summary: sum, Findings: &f}
		for _, c := range tops {
			page.Tops = append(page.Tops, c.Result(n))
		}
		h, g, l, t := hist.Result(n, 1), grouped.Result(n), latency.Result(n), throttling.Result(n)
		page.Histogram, page.Grouped, page.Latency, page.Throttling = &h, &g, &l, &t
		return answer{page: page}
	}
}
