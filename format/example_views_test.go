package format_test

import (
	"os"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// throttleLines are two requests rejected with 429 and one that waited in
// an APF queue.
var throttleLines = []string{
	`{"stage":"ResponseComplete","verb":"list","requestURI":"/api/v1/pods","user":{"username":"inventory"},"responseStatus":{"code":429},"requestReceivedTimestamp":"2022-02-07T23:21:22.095220Z","stageTimestamp":"2022-02-07T23:21:22.100000Z"}`,
	`{"stage":"ResponseComplete","verb":"list","requestURI":"/api/v1/pods","user":{"username":"inventory"},"responseStatus":{"code":429},"requestReceivedTimestamp":"2022-02-07T23:23:50.669425Z","stageTimestamp":"2022-02-07T23:23:50.700000Z"}`,
	`{"stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes","user":{"username":"sysdig"},"responseStatus":{"code":200},"annotations":{"apiserver.latency.k8s.io/apf-queue-wait":"27ms"},"requestReceivedTimestamp":"2022-02-07T23:24:00.000000Z","stageTimestamp":"2022-02-07T23:24:00.030000Z"}`,
}

// -o latency --by=user: count and latency quantiles per key, and what was
// left out: here sysdig's gets of nodes/NODE/proxy, long-running requests,
// which -o latency --long-running measures alone.
func ExampleWriteLatency() {
	l := aggregate.NewLatency(aggregate.KeyUser)
	for _, s := range lines {
		l.Add(entry(s))
	}
	format.WriteLatency(os.Stdout, l.Result(10))
	// Output:
	// count      mean      p50       p90       p99       max       user
	// 1x         12ms      12ms      12ms      12ms      12ms      alice\x1b[2J
	// (left out: 2 long-running requests (watch, exec, attach, port-forward, proxy, log follow: --long-running measures them alone))
}

// -o throttling: who got 429s, when, and how long requests queued.
func ExampleWriteThrottling() {
	th := aggregate.NewThrottling()
	for _, s := range throttleLines {
		th.Add(entry(s))
	}
	format.WriteThrottling(os.Stdout, th.Result(10), format.ThrottlingOptions{BarWidth: 10})
	// Output:
	// 429 Too Many Requests: 2 of 3 requests (66.67%)
	// APF queue wait: 1 requests, p50 27ms, p99 27ms, max 27ms
	//
	// Top 2 users by 429s, then by longest queue wait:
	// 429s       first 429                    last 429                     wait p50  wait p99  wait max  user
	// 2x         2022-02-07T23:21:22.095220Z  2022-02-07T23:23:50.669425Z  -         -         -         inventory
	// 0x         -                            -                            27ms      27ms      27ms      sysdig
	//
	// 429s per 1m (2 with 429s, peak 23:21 with 1):
	// 23:21 |       1 ##########
	// 23:23 |       1 ##########
}

// -o histogram --by=user --window=FROM,TO: whose share of the requests
// grew in the window.
func ExampleWriteChanges() {
	h := aggregate.NewHistogram(time.Minute, aggregate.KeyUser)
	for _, s := range append(lines, throttleLines...) {
		h.Add(entry(s))
	}
	from := time.Date(2022, 2, 7, 23, 0, 0, 0, time.UTC)
	format.WriteChanges(os.Stdout, h.Changed(from, from.Add(time.Hour), 2), "user")
	// Output:
	// Top 2 user keys whose share grew most from 2022-02-07T23:00:00Z to 2022-02-08T00:00:00Z (3 requests in the window, 3 outside):
	// share in   share out growth    in        out       user
	// 66.67%     0.00%     +66.67    2x        0x        inventory
	// 33.33%     66.67%    -33.33    1x        2x        sysdig
}
