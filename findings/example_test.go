package findings_test

import (
	"context"
	"fmt"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/findings"
)

// What is overloading the API of the committed sample must-gather? The
// detectors, one per worker of a Scan, merged, name the monitoring agent
// refused with 403 first.
func Example() {
	sources, err := auditlog.Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := findings.Options{Files: []string{"audit_logs/kube-apiserver"}}
	d, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{}, func() *findings.Detectors { return findings.New(opts) })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range d.Result().Findings {
		if f.Group != findings.GroupErrors {
			continue // the load first, by server time
		}
		fmt.Println(f.Severity, f.ID, f.Subject)
		fmt.Println(f.Rows[0].What, f.Rows[0].Count)
		fmt.Println(f.Rules[0].Resources, f.Rules[0].Verbs)
		fmt.Println(f.Command)
		break
	}
	// Output:
	// high denied-storm system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// GET /api/v1/nodes/{name}/proxy/metrics 7716
	// [nodes/proxy] [get]
	// kubectl audit -f audit_logs/kube-apiserver --user=system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent --by=verb -otop
}
