package auditlens_test

import (
	"context"
	"fmt"
	"os"

	"github.com/auditlens/auditlens/query"
)

// Who is hitting the API? The same answer as
// `kubectl audit -f testdata/must-gather/audit_logs/kube-apiserver --by=user -otop=3`.
func Example() {
	q := query.New("testdata/must-gather/audit_logs/kube-apiserver")
	q.By, q.Output = "user", "top=3"
	res, err := q.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Write(os.Stdout)
	fmt.Println(res.Report.Failures(), "lines could not be read")
	// Output:
	// count: 20000, first: 2022-02-07T22:15:16Z, last: 2022-02-08T00:59:57Z, duration: 2h44m40.70616s
	// 7817x                system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 1185x                system:apiserver
	// 718x                 system:serviceaccount:openshift-apiserver:openshift-apiserver-sa
	// 0 lines could not be read
}
