package format

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/auditlens/auditlens/filter"
)

// WriteFilterFailures writes, for stderr, the --where expressions that
// could not be evaluated on some events (which were not kept): for each,
//
//	--where "EXPR": 3 events could not be evaluated (not kept)
//
// then its first samples (file:line: CEL's error), ReportSamples of them,
// or every one kept when verbose. It writes nothing when none failed.
func WriteFilterFailures(w io.Writer, failures []filter.WhereFailure, verbose bool) error {
	bw := bufio.NewWriter(w)
	for _, f := range failures {
		noun := "events"
		if f.Count == 1 {
			noun = "event"
		}
		fmt.Fprintf(bw, "--where %s: %d %s could not be evaluated (not kept)\n", Sanitize(strconv.Quote(f.Expr)), f.Count, noun)
		writeSamples(bw, f.Samples, f.Count, verbose)
	}
	return bw.Flush()
}
