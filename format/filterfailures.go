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
		show := min(len(f.Samples), ReportSamples)
		if verbose {
			show = len(f.Samples)
		}
		for _, s := range f.Samples[:show] {
			fmt.Fprintf(bw, "  %s\n", Sanitize(s.String()))
		}
		if more := f.Count - int64(show); more > 0 {
			fmt.Fprintf(bw, "  ... and %d more\n", more)
		}
	}
	return bw.Flush()
}
