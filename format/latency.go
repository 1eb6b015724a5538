package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// WriteLatency writes latency by key (-o latency --by=KEY): a header row,
// then one row per key in the result's order,
//
//	count     mean      p50       p90       p99       max       user
//	7817x     2.41ms    1.63ms    4.12ms    21.3ms    1.02s     system:serviceaccount:...
//
// through a tabwriter like WriteCount's, with cells at least 10 wide. The
// durations are rounded to three significant digits (the quantiles are
// within the aggregate package's RelativeAccuracy anyway); the CSV and JSON
// forms keep nanoseconds. A composite key has one column per part. Under
// the table, in parentheses, what the result left out (LatencyNote).
func WriteLatency(w io.Writer, l aggregate.LatencyResult) error {
	bw := bufio.NewWriter(w)
	tw := newNarrowTable(bw)
	cols := l.Columns
	if len(cols) == 0 {
		cols = []string{l.By}
	}
	fmt.Fprintf(tw, "count\t mean\t p50\t p90\t p99\t max\t %s\n", strings.Join(cols, "\t "))
	for _, r := range l.Rows {
		q := r.Latency
		if _, err := fmt.Fprintf(tw, "%dx\t %s\t %s\t %s\t %s\t %s\t %s\n", q.Count, ShortDuration(q.Mean), ShortDuration(q.P50),
			ShortDuration(q.P90), ShortDuration(q.P99), ShortDuration(q.Max), rowKey(aggregate.Row{Key: r.Key, Parts: r.Parts})); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if note := LatencyNote(l); note != "" {
		fmt.Fprintf(bw, "(%s)\n", note)
	}
	return bw.Flush()
}

// LatencyNote says what a latency result left out, in one sentence
// without its period, or "" when it left out nothing: "left out: 1015
// long-running requests (watch, exec, attach, port-forward, proxy, log
// follow: --long-running measures them alone), 3 requests of unknown
// latency (no stageTimestamp)". WriteLatency prints it under the table,
// and the HTML report under its latency table.
func LatencyNote(l aggregate.LatencyResult) string {
	var parts []string
	if l.LongRunning > 0 {
		parts = append(parts, fmt.Sprintf("%s (watch, exec, attach, port-forward, proxy, log follow: --long-running measures them alone)",
			plural(l.LongRunning, "long-running request", "long-running requests")))
	}
	if l.Unknown > 0 {
		parts = append(parts, plural(l.Unknown, "request", "requests")+" of unknown latency (no stageTimestamp)")
	}
	if len(parts) == 0 {
		return ""
	}
	return "left out: " + strings.Join(parts, ", ")
}

// ShortDuration prints d rounded to three significant digits, the way the
// latency and throttling views print durations: 274µs, 1.63ms, 21.3s.
// Durations of a microsecond or less are printed exactly.
func ShortDuration(d time.Duration) string {
	if d < 0 {
		return "-" + ShortDuration(-d)
	}
	if d <= time.Microsecond {
		return d.String()
	}
	unit := time.Duration(1)
	for n := d; n >= 1000; n /= 10 {
		unit *= 10
	}
	return d.Round(unit).String()
}

// newNarrowTable is the tabwriter of the views with many short columns:
// WriteCount's conventions ("value\t " cells, left-aligned, padded with
// spaces) with cells at least 10 wide.
func newNarrowTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 10, 0, 0, ' ', tabwriter.DiscardEmptyColumns)
}
