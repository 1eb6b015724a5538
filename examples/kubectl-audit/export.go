package main

import (
	_ "embed"
	"io"

	"github.com/spf13/cobra"
)

//go:embed help/export.txt
var exportLong string

// newExportCommand builds `kubectl-audit export`, which writes the events
// the filters keep as Parquet.
func newExportCommand(o *options, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export -f PATH --to DIR [flags]",
		Short: "Write the events the filters keep as Parquet, for DuckDB, Spark, Trino or ClickHouse and for faster questions",
		Long:  exportLong,
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return o.runExport(c.Context(), args, stdout, stderr)
		},
	}
	f := cmd.Flags()
	o.inputFlags(f)
	f.StringVar(&o.exportTo, "to", "", "Directory to write the export to: cluster=NAME/date=YYYY-MM-DD/hour=HH/part-*.parquet below it")
	f.StringVar(&o.export.Cluster, "cluster", "", "Name of the cluster the logs came from, its partition (default \"default\")")
	f.BoolVar(&o.export.Bodies, "bodies", false, "Also export requestObject and responseObject (as JSON text)")
	f.BoolVar(&o.export.Append, "append", false, "Add to a directory that holds files already (another cluster's export, say); a source it holds already is refused, of a log grown since only what is new is added")
	f.BoolVar(&o.export.SkipExported, "skip-exported", false, "With --append, leave out (rather than refuse) the sources the export holds already")
	addCompletions(cmd)
	_ = cmd.MarkFlagDirname("to")
	return cmd
}
