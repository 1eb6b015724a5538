package format

import (
	"bufio"
	"fmt"
	"io"

	"github.com/auditlens/auditlens/auditlog"
)

// ReportSamples is how many samples of each kind of problem
// WriteReadReport shows when not verbose.
const ReportSamples = 3

// WriteReadReport writes what a reader could not read, for stderr. First
// the reference tool's line, when any line failed,
//
//	had 4 line read failures
//
// then, for every kind of problem found, its count and its first samples
// (file:line: detail), ReportSamples of them, or all the report kept when
// verbose (auditlog.MaxSamples, or every one up to auditlog.AllSamples when
// the reader was asked for them). Skipped files (a must-gather's
// termination and lock logs) are listed only when verbose, which also
// starts with what was read: files, bytes, lines and events. Last, how
// many entries a time-ordered listing wrote out of order, if any. It
// writes nothing when nothing went wrong and verbose is false.
func WriteReadReport(w io.Writer, r *auditlog.Report, verbose bool) error {
	bw := bufio.NewWriter(w)
	if verbose {
		fmt.Fprintf(bw, "read %d files (%d bytes, %d uncompressed): %d lines, %d events\n",
			r.Files, r.CompressedBytes, r.Bytes, r.Lines, r.Events)
	}
	if n := r.Failures(); n > 0 {
		fmt.Fprintf(bw, "had %d line read failures\n", n)
	}
	for _, p := range auditlog.Problems() {
		t := r.Problems[p]
		if t.Count == 0 || p == auditlog.SkippedFile && !verbose {
			continue
		}
		fmt.Fprintf(bw, "%s: %d\n", p, t.Count)
		show := min(len(t.Samples), ReportSamples)
		if verbose {
			show = len(t.Samples)
		}
		for _, s := range t.Samples[:show] {
			fmt.Fprintf(bw, "  %s\n", Sanitize(s.String()))
		}
		if more := t.Count - int64(show); more > 0 {
			if verbose {
				fmt.Fprintf(bw, "  ... and %d more, not kept\n", more)
			} else {
				fmt.Fprintf(bw, "  ... and %d more\n", more)
			}
		}
	}
	if r.OutOfOrder > 0 {
		fmt.Fprintf(bw, "listed out of time order: %d entries, up to %v late (requests that took longer than the sort window held, or a full window)\n",
			r.OutOfOrder, r.MaxLateness)
	}
	return bw.Flush()
}
