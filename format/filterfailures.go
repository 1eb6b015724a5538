package format

import (
	"bufio"
	"io"

	"github.com/auditlens/auditlens/auditlog"
)

// WriteSampled writes, for stderr, one line about a kind of problem, then
// its first samples (place: detail), ReportSamples of them, or every one
// kept when verbose, and how many more there were:
//
//	--where "EXPR": 3 events could not be evaluated (not kept)
//	  audit.log:12: no such key: verb
//	  ... and 1 more
//
// The line is sanitized like every string of the logs.
func WriteSampled(w io.Writer, line string, samples []auditlog.Sample, count int64, verbose bool) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(Sanitize(line))
	bw.WriteByte('\n')
	writeSamples(bw, samples, count, verbose)
	return bw.Flush()
}
