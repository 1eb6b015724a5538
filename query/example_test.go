package query_test

import (
	"context"
	"fmt"
	"os"

	"github.com/auditlens/auditlens/query"
)

// The same answer as `kubectl audit -f DIR --by=user -otop=3`.
func Example() {
	q := query.New("../testdata/must-gather/audit_logs/kube-apiserver")
	q.By, q.Output = "user", "top=3"
	res, err := q.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Write(os.Stdout)
	// Output:
	// count: 20000, first: 2022-02-07T22:15:16Z, last: 2022-02-08T00:59:57Z, duration: 2h44m40.70616s
	// 7817x                system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 1185x                system:apiserver
	// 718x                 system:serviceaccount:openshift-apiserver:openshift-apiserver-sa
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
