package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// WriteTrackers writes the reference tool's -o stats view: the summary line, a
// rule of 70 '=', then one line per apiserver.latency.k8s.io/* annotation,
// by name:
//
//	apiserver.latency.k8s.io/etcd                     : max=1.2s min=1ms median=5ms 90th=40ms
//
// Maximum and minimum are exact; median and 90th percentile are within the
// aggregate package's RelativeAccuracy, and printed to the microsecond. Annotations whose values were not
// durations add ", N invalid" to their line.
func WriteTrackers(w io.Writer, s aggregate.SummaryResult, t aggregate.TrackersResult) error {
	bw := bufio.NewWriter(w)
	if err := WriteSummary(bw, s); err != nil {
		return err
	}
	fmt.Fprintln(bw, strings.Repeat("=", 70))
	for _, tr := range t.Trackers {
		q := tr.Latency
		fmt.Fprintf(bw, "%-50s: max=%v min=%v median=%v 90th=%v", Sanitize(tr.Annotation), q.Max, q.Min,
			q.P50.Round(time.Microsecond), q.P90.Round(time.Microsecond))
		if tr.Invalid > 0 {
			fmt.Fprintf(bw, ", %d invalid", tr.Invalid)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
