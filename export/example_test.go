package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

// Export a must-gather's kube-apiserver logs to Parquet with two workers,
// each writing through a sink of its own, then ask the export who is
// hitting the API, as any log: by default, its requests.
func ExampleWriter() {
	out, err := os.MkdirTemp("", "export")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	sources, err := auditlog.Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := export.NewWriter(filepath.Join(out, "audit"), export.Options{Cluster: "lab"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Every event as logged: each stage of a request is a row.
	every := auditlog.Options{EveryStage: true, EveryCopy: true, Workers: 2}
	if _, _, err := auditlog.Scan(context.Background(), sources, every, w.Sink); err != nil {
		w.Abort()
		fmt.Println(err)
		return
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d events exported\n", w.Result().Rows)

	// The export is a source like any other, read by columns.
	found, err := auditlog.Find(filepath.Join(out, "audit"))
	if err != nil {
		fmt.Println(err)
		return
	}
	users, _, err := auditlog.Scan(context.Background(), found, auditlog.Options{}, func() *aggregate.Count {
		return aggregate.NewCount(aggregate.KeyUser)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range users.Result(2).Rows {
		fmt.Printf("%dx %s\n", row.Count, row.Key)
	}
	// Output:
	// 22250 events exported
	// 7817x system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 1185x system:apiserver
}
