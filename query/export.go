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
	"github.com/auditlens/auditlens/filter"
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
	if opts.Filter == "" {
		opts.Filter = keep.String()
	}
	w, err := export.NewWriterContext(ctx, dir, opts)
	if err != nil {
		if errors.Is(err, export.ErrNotEmpty) {
			return nil, errorf("to", "%s is not empty: give --append to add to the export there, or another directory", dir)
		}
		return nil, err
	}
	sources, records, paths, exported, err := planAppend(w, sources, opts.SkipExported)
	if err != nil {
		w.Abort()
		return nil, err
	}
	if len(records) == 0 && len(exported) > 0 {
		// Every source is in the export already: nothing to read, nothing
		// changed.
		w.Abort()
		written := w.Result()
		written.SkippedSources = exported
		return &Result{filter: keep, Export: &written}, nil
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
	res.FilterFailures = filter.WhereFailures(keep)
	if err != nil {
		w.Abort()
		return res, err
	}
	w.Record(readRecords(records, paths, rep), losses(rep, res.FilterFailures))
	if err := w.Close(); err != nil {
		return res, err
	}
	written := w.Result()
	written.SkippedSources = exported
	res.Export = &written
	return res, nil
}

// planAppend describes each source to read for the export's manifest
// (records, with the paths the reader knows them by) and asks it what
// earlier runs exported: a source read whole before is an error naming
// it, or, with skip, left out (its path in skipped); of a source grown
// since, only the lines after those read before are exported.
func planAppend(w *export.Writer, sources []auditlog.Source, skip bool) (kept []auditlog.Source, records []export.SourceRecord, paths, skipped []string, err error) {
	for i := range sources {
		src := &sources[i]
		if src.Skip != "" {
			kept = append(kept, *src)
			continue
		}
		rec := export.NewSourceRecord(src)
		switch done := w.Exported(rec, src); {
		case done.Whole && skip:
			skipped = append(skipped, src.Path)
			continue
		case done.Whole:
			return nil, nil, nil, nil, errorf("skip-exported", "%s is already in the export (read as %s, %d lines): give --skip-exported to leave out what is", src.Path, done.Earlier, done.Lines)
		case done.Lines > 0:
			w.SkipLines(src.Path, done.Lines)
		}
		kept = append(kept, *src)
		records = append(records, rec)
		paths = append(paths, src.Path)
	}
	return kept, records, paths, skipped, nil
}

// readRecords fills in how much of each source was read (records[i] is
// the source read as paths[i]), from the read report.
func readRecords(records []export.SourceRecord, paths []string, rep *auditlog.Report) []export.SourceRecord {
	byPath := make(map[string]*auditlog.FileReport, len(rep.ByFile))
	for i := range rep.ByFile {
		byPath[rep.ByFile[i].Path] = &rep.ByFile[i]
	}
	for i := range records {
		if f := byPath[paths[i]]; f != nil {
			records[i].Lines, records[i].Bytes, records[i].Events = f.Lines, f.Bytes, f.EventCount()
		}
	}
	return records
}

// losses are what the export could not read or evaluate, for its
// manifest: the input lost (auditlog.Report.Lost), and the --where
// expressions' failures.
func losses(rep *auditlog.Report, failures []filter.WhereFailure) []export.Loss {
	var out []export.Loss
	for _, p := range auditlog.Problems() {
		if n := rep.Lost(p); n > 0 {
			out = append(out, export.Loss{Kind: p.String(), Count: n})
		}
	}
	for _, f := range failures {
		if f.Count > 0 {
			out = append(out, export.Loss{Kind: "--where " + f.Expr + " failed", Count: f.Count})
		}
	}
	return out
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
