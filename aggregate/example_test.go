package aggregate_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// lines are a few audit events, as an API server logs them.
var lines = []string{
	`{"kind":"Event","auditID":"1","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics","user":{"username":"sysdig"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:55:01.000000Z","stageTimestamp":"2022-02-07T22:55:01.000300Z"}`,
	`{"kind":"Event","auditID":"2","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics?timeout=5s","user":{"username":"sysdig"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:55:02.000000Z","stageTimestamp":"2022-02-07T22:55:02.000100Z"}`,
	`{"kind":"Event","auditID":"3","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n2/proxy/metrics","user":{"username":"sysdig"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:55:03.000000Z","stageTimestamp":"2022-02-07T22:55:03.000200Z"}`,
	`{"kind":"Event","auditID":"4","stage":"ResponseComplete","verb":"patch","requestURI":"/apis/apps/v1/namespaces/web/deployments/d?fieldManager=kubectl","user":{"username":"alice"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2022-02-07T22:56:00.000000Z","stageTimestamp":"2022-02-07T22:56:00.004000Z"}`,
}

// feed decodes the lines and adds them to every sink.
func feed(sinks ...auditlog.Sink) {
	for i, line := range lines {
		var ev auditv1.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			fmt.Println(err)
			return
		}
		var e auditlog.Entry
		e.Reset(&ev, nil, int64(i+1), "")
		for _, s := range sinks {
			s.Add(&e)
		}
	}
}

func ExampleCount() {
	byUser := aggregate.NewCount(aggregate.KeyUser)
	byResource := aggregate.NewCount(aggregate.KeyResource)
	feed(byUser, byResource)
	for _, res := range []aggregate.CountResult{byUser.Result(10), byResource.Result(10)} {
		for _, row := range res.Rows {
			fmt.Printf("%dx\t %s\n", row.Count, row.Key)
		}
	}
	// Output:
	// 3x	 sysdig
	// 1x	 alice[kubectl]
	// 3x	 v1/nodes
	// 1x	 apps/v1/deployments
}

func ExampleCount_Merge() {
	// Two workers, each with its own count, keeping sample auditIDs;
	// merged at the end. (Both saw the same events here: a request seen
	// twice is sampled once.)
	a, b := aggregate.NewCount(aggregate.KeyVerb).KeepSamples(), aggregate.NewCount(aggregate.KeyVerb).KeepSamples()
	feed(a)
	feed(b)
	a.Merge(b)
	for _, row := range a.Result(0).Rows {
		fmt.Println(row.Key, row.Count, row.Samples)
	}
	// Output:
	// get 6 [1 3 2]
	// patch 2 [4]
}

func ExampleKeyByName() {
	k, err := aggregate.KeyByName("user,verb")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := aggregate.NewCount(k)
	feed(c)
	res := c.Result(0)
	fmt.Println(res.Columns)
	for _, row := range res.Rows {
		fmt.Printf("%d %q\n", row.Count, row.Parts)
	}
	// Output:
	// [user verb]
	// 3 ["sysdig" "get"]
	// 1 ["alice[kubectl]" "patch"]
}

func ExampleGrouped() {
	g := aggregate.NewGrouped(aggregate.KeyVerb)
	feed(g)
	for _, o := range g.Result(10).Outer {
		fmt.Printf("Top %d %q (of %d total hits):\n", len(o.Groups), o.Key, o.Total)
		for _, gr := range o.Groups {
			fmt.Printf("%8s [%12s] %v %s [%s]\n", fmt.Sprintf("%dx", gr.Count), gr.Latency.Mean, gr.Status, gr.FirstURI, gr.User)
		}
	}
	// Output:
	// Top 2 "get" (of 3 total hits):
	//       2x [       200µs] [{403 2}] /api/v1/nodes/n1/proxy/metrics [sysdig]
	//       1x [       200µs] [{403 1}] /api/v1/nodes/n2/proxy/metrics [sysdig]
	// Top 1 "patch" (of 1 total hits):
	//       1x [         4ms] [{200 1}] /apis/apps/v1/namespaces/web/deployments/d?fieldManager=kubectl [alice[kubectl]]
}

// A grouping that keeps at most one group a verb (the HTML page keeps
// thousands): a new group takes the place of those with the fewest
// requests, and says how many it may lack; the outer key says the most a
// group let go had.
func ExampleGrouped_KeepAtMost() {
	g := aggregate.NewGrouped(aggregate.KeyVerb).KeepAtMost(1).MeanLatencyOnly()
	feed(g)
	for _, o := range g.Result(10).Outer {
		fmt.Printf("%q: %d of %d kept; groups let go had at most %d requests\n", o.Key, o.Distinct, o.Total, o.LetGoAtMost)
		for _, gr := range o.Groups {
			fmt.Printf("  %dx (+ at most %d) %s, mean %v\n", gr.Count, gr.Uncounted, gr.Path, gr.Latency.Mean)
		}
	}
	// Output:
	// "get": 1 of 3 kept; groups let go had at most 4 requests
	//   1x (+ at most 4) /api/v1/nodes/n2/proxy/metrics, mean 200µs
	// "patch": 1 of 1 kept; groups let go had at most 0 requests
	//   1x (+ at most 0) /apis/apps/v1/namespaces/web/deployments/d, mean 4ms
}

func ExampleHistogram() {
	h := aggregate.NewHistogram(time.Minute, aggregate.KeyUser)
	feed(h)
	res := h.Result(1, 0)
	for _, b := range res.Buckets {
		fmt.Println(b.Start.Format(time.TimeOnly), b.Count, b.Top[0].Key)
	}
	for _, p := range res.Peaks {
		fmt.Printf("%s peaks at %s with %d\n", p.Key, p.Start.Format(time.TimeOnly), p.Count)
	}
	// Output:
	// 22:55:00 3 sysdig
	// 22:56:00 1 alice[kubectl]
	// sysdig peaks at 22:55:00 with 3
	// alice[kubectl] peaks at 22:56:00 with 1
}

// A histogram that spans one bucket at most: the events of a second
// minute double its buckets' width until both minutes share one, which,
// buckets being aligned on multiples of their width since the Unix epoch,
// takes 64 minutes here; the result says what width was asked for.
func ExampleHistogram_SpanAtMost() {
	h := aggregate.NewHistogram(time.Minute, aggregate.KeyUser).SpanAtMost(1)
	feed(h)
	res := h.Result(1, 0)
	fmt.Printf("buckets of %v (asked for %v)\n", res.Width, res.RequestedWidth)
	for _, b := range res.Buckets {
		fmt.Println(b.Start.Format(time.TimeOnly), b.Count, b.Top[0].Key)
	}
	// Output:
	// buckets of 1h4m0s (asked for 1m0s)
	// 22:24:00 4 sysdig
}

func ExampleSummary() {
	s := aggregate.NewSummary()
	feed(s)
	r := s.Result()
	fmt.Printf("count: %d, first: %s, last: %s, duration: %s\n",
		r.Count, r.First.Format(time.RFC3339), r.Last.Format(time.RFC3339), r.Duration)
	// Output:
	// count: 4, first: 2022-02-07T22:55:01Z, last: 2022-02-07T22:56:00Z, duration: 59s
}

func ExampleLatency() {
	// The gets of nodes/NODE/proxy are long-running requests, left out
	// unless asked for.
	for _, l := range []*aggregate.Latency{aggregate.NewLatency(aggregate.KeyVerb), aggregate.NewLatency(aggregate.KeyVerb).IncludeLongRunning()} {
		feed(l)
		res := l.Result(0)
		for _, row := range res.Rows {
			q := row.Latency
			fmt.Printf("%s: n=%d p50=%v max=%v", row.Key, q.Count, q.P50, q.Max)
			if q.P50 != q.Max {
				fmt.Print(" (p50 within 1%)")
			}
			fmt.Println()
		}
		fmt.Println("long-running left out:", res.LongRunning)
	}
	// Output:
	// patch: n=1 p50=4ms max=4ms
	// long-running left out: 3
	// get: n=3 p50=200.859µs max=300µs (p50 within 1%)
	// patch: n=1 p50=4ms max=4ms
	// long-running left out: 0
}
