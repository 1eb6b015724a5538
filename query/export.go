package query

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/format"
)

// Export writes the events the query's filters keep as Parquet into dir
// (see package export: a Hive-style tree of cluster, date and hour), one
// writer per worker, and returns a Result whose Export says what was
// written, with the Summary and Report of what was read. The view's
// fields (Output, By...) must be empty: an export is the events
// themselves. When anything fails or ctx is done, the files written so far
// are removed (none is left that a reader would take for complete).
func (q Query) Export(ctx context.Context, dir string, opts export.Options) (*Result, error) {
	if q.Output != "" || q.By != "" || q.Window != "" || q.Sort != "" || (q.Format != "" && q.Format != "text") {
		return nil, errorf("output", "an export writes the events themselves: -o, --by, --window, --sort and --format do not apply")
	}
	if dir == "" {
		return nil, errorf("to", "an export needs a directory to write (--to)")
	}
	sources, workers, err := q.input()
	if err != nil {
		return nil, err
	}
	keep, ropts, remove, err := q.prepare(ctx, sources, workers, nil)
	if err != nil {
		return nil, err
	}
	defer remove()
	w, err := export.NewWriter(dir, opts)
	if err != nil {
		if errors.Is(err, export.ErrNotEmpty) {
			return nil, errorf("to", "%s is not empty: give --append to add to the export there, or another directory", dir)
		}
		return nil, err
	}
	ropts.Workers = workers
	ws, rep, err := auditlog.Scan(ctx, sources, ropts, func() *workerSet {
		s := new(aggregate.Set)
		ws := &workerSet{set: s, summary: aggregate.Include(s, aggregate.NewSummary())}
		aggregate.Include(s, w.Sink())
		return ws
	})
	res := &Result{filter: keep}
	res.Summary, res.Report = ws.summary.Result(), rep
	if err != nil {
		w.Abort()
		return res, err
	}
	if err := w.Close(); err != nil {
		return res, err
	}
	written := w.Result()
	res.Export = &written
	return res, nil
}

// writeExport writes what an export wrote, in one line:
//
//	exported 22250 events to 12 Parquet files (3.1 MB, 12 row groups) in out/cluster=lab
func writeExport(w io.Writer, r export.Result) error {
	_, err := fmt.Fprintf(w, "exported %d events to %d Parquet files (%s, %d row groups) in %s\n",
		r.Rows, r.Files, megabytes(r.Bytes), r.RowGroups, format.Sanitize(filepath.Join(r.Dir, "cluster="+r.Cluster)))
	return err
}

// megabytes prints n bytes in MB (10^6 bytes), or in kB below one.
func megabytes(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
