package auditlens_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/query"
)

// Who is hitting the API? One count of users per core, merged: the
// requests of a must-gather, each counted once, as kubectl-audit
// --by=user -otop counts them.
func Example_topUsers() {
	sources, err := auditlog.Find("testdata/must-gather")
	if err != nil {
		fmt.Println(err)
		return
	}
	users, report, err := auditlog.Scan(context.Background(), sources, auditlog.Options{},
		func() *aggregate.Count { return aggregate.NewCount(aggregate.KeyUser) })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range users.Result(3).Rows {
		fmt.Println(row.Count, row.Key)
	}
	fmt.Println(users.Result(0).Total, "requests;", report.Failures(), "lines could not be read")
	// Output:
	// 7817 system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 1185 system:apiserver
	// 777 system:serviceaccount:openshift-authentication:oauth-openshift
	// 23000 requests; 0 lines could not be read
}

// What is overloading the API? The findings detectors, named with their
// evidence: the load first (by server time), then errors, then hygiene
// and security.
func Example_findings() {
	sources, err := auditlog.Find("testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	detectors, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{},
		func() *findings.Detectors { return findings.New(findings.Options{}) })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range detectors.Result().Findings[:3] {
		fmt.Println(strings.TrimSpace(fmt.Sprint(f.Group, " ", f.Severity, " ", f.ID, " ", f.Subject)))
	}
	// Output:
	// load medium repeated-lists
	// errors high denied-storm system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// errors medium throttled
}

// Export the requests as Parquet, for DuckDB, Spark or Trino: one writer,
// a sink of it per core.
func Example_export() {
	dir, err := os.MkdirTemp("", "auditlens-export")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	sources, err := auditlog.Find("testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := export.NewWriter(filepath.Join(dir, "audit"), export.Options{Cluster: "lab"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{}, w.Sink); err != nil {
		w.Abort()
		fmt.Println(err)
		return
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Result().Rows, "requests exported")
	// Output:
	// 20000 requests exported
}

// The command's questions, by their flags: the same answer, byte for byte,
// as `kubectl audit -f testdata/must-gather/audit_logs/kube-apiserver
// --by=user -otop=3`.
func Example_query() {
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
