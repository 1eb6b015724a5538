package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/filter"
)

// Export a must-gather's kube-apiserver logs to Parquet with two workers,
// each writing through a sink of its own, then ask the export who is
// hitting the API, as any log.
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
	sinks := []auditlog.Sink{w.Sink(), w.Sink()}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: w.Fields()})
	if err := r.Scan(context.Background(), sinks); err != nil {
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
	keep, err := filter.Stages("ResponseComplete")
	if err != nil {
		fmt.Println(err)
		return
	}
	users := aggregate.NewCount(aggregate.KeyUser)
	for e := range auditlog.NewReader(found, auditlog.Options{Fields: keep.Fields() | users.Fields()}).All() {
		if keep.Match(e) {
			users.Add(e)
		}
	}
	for _, row := range users.Result(2).Rows {
		fmt.Printf("%dx %s\n", row.Count, row.Key)
	}
	// Output:
	// 22250 events exported
	// 7817x system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 1185x system:apiserver
}
