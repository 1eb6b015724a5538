package query_test

import (
	"context"
	"fmt"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/query"
)

// Who is slowest? The answer of `kubectl audit -f DIR --verb=-watch
// --by=resource -o latency=3 --sort=p99` as values, to use in a program
// rather than print.
func Example() {
	q := query.New("../testdata/must-gather/audit_logs/kube-apiserver")
	q.Filters.Verbs = []string{"-watch"}
	q.By, q.Output, q.Sort = "resource", "latency=3", "p99"
	res, err := q.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	latency := res.Document.Part("latency").(*aggregate.LatencyResult)
	for _, row := range latency.Rows {
		fmt.Printf("%s: %d requests, p99 %v\n", row.Key, row.Latency.Count, row.Latency.P99.Round(time.Millisecond))
	}
	// Output:
	// v1/configmaps: 2224 requests, p99 1.503s
	// apiextensions.k8s.io/v1/customresourcedefinitions: 52 requests, p99 303ms
	// apps/v1/deployments: 394 requests, p99 83ms
}

// Who deleted a pod? A listing reads the input as its entries are iterated;
// its Summary and Report are complete once they are.
func ExampleResult_Entries() {
	q := query.New("../testdata/must-gather/audit_logs/kube-apiserver")
	q.Filters.Verbs, q.Filters.Resources = []string{"delete"}, []string{"pods"}
	res, err := q.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for e := range res.Entries() {
		fmt.Println(e.Event.User.Username, e.Request().Namespace, e.Request().Name)
	}
	fmt.Println(res.Summary.Count, "of", res.Report.Events, "events")
	// Output:
	// bob payments payments-cache-qm8ztqtj9-lq5dz
	// alice shop-prod checkout-m64tsdsqf-6wk8w
	// alice analytics analytics-frontend-qsj5n7fvb-g2f6f
	// 3 of 22250 events
}

// A query that cannot run names the flag at fault, before reading anything.
func ExampleError() {
	q := query.New("../testdata/must-gather")
	q.Output, q.By = "top", "colour"
	_, err := q.Run(context.Background())
	if qe, ok := err.(*query.Error); ok {
		fmt.Println(qe.Flag)
	}
	// Output:
	// by
}
