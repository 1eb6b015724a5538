package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

// exportCluster is the cluster name of the harness's exports.
const exportCluster = "harness"

// runExport exports the audit logs under dir into out with the library,
// one export sink per worker of auditlog.Reader.Scan, as the command's
// export subcommand would: the export case, and the Parquet copy the
// parquet-* cases read.
func runExport(dir, out string, workers int) (childResult, error) {
	sources, err := auditlog.Find(dir)
	if err != nil {
		return childResult{}, err
	}
	w, err := export.NewWriter(out, export.Options{Cluster: exportCluster})
	if err != nil {
		return childResult{}, err
	}
	// Every event of every file, as logged.
	opts := auditlog.Options{EveryStage: true, EveryCopy: true, Workers: workers}
	_, rep, err := auditlog.Scan(context.Background(), sources, opts, w.Sink)
	if err != nil {
		w.Abort()
		return childResult{}, err
	}
	if err := w.Close(); err != nil {
		return childResult{}, err
	}
	res := w.Result()
	if res.Rows != rep.Events {
		return childResult{}, fmt.Errorf("export: %d rows written of %d events read", res.Rows, rep.Events)
	}
	return childResult{Events: res.Rows, Files: res.Files, Bytes: rep.Bytes}, nil
}

// clearExport removes the harness's export from out (its files, manifest
// and _SUCCESS marker), so that the export case runs into an empty folder
// each time.
func clearExport(out string) error {
	for _, name := range []string{"cluster=" + exportCluster, export.ManifestName, export.SuccessName} {
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return err
		}
	}
	return os.MkdirAll(out, 0o755)
}
