package format

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/findings"
)

// WriteCompare writes what changed between a baseline and a subject
// capture: a line for each capture (span, requests, rate), then one table
// of the keys that changed, new and grown first, each with its rate in
// both (requests an hour), the factor, the change an hour, its server
// time an hour, its refused-and-failed share and its p99 in both; then
// the findings, each marked new, worse (with the factor), same, better or
// resolved. Nothing changed is said as such.
func WriteCompare(w io.Writer, c aggregate.CompareResult, fs []findings.FindingChange) error {
	bw := bufio.NewWriter(w)
	capture := func(name string, x aggregate.Capture) {
		fmt.Fprintf(bw, "%-10s%s .. %s (%s), %d requests, %s/h\n", name, x.First.UTC().Format(time.RFC3339),
			x.Last.UTC().Format(time.RFC3339), x.Span.Round(time.Second), x.Requests, rate(x.PerHour))
	}
	capture("baseline:", c.Baseline)
	capture("subject:", c.Subject)
	cols := c.Columns
	if len(cols) == 0 {
		cols = []string{c.By}
	}
	if len(c.Rows) == 0 {
		fmt.Fprintf(bw, "\nNo %s changed beyond the thresholds (%d compared).\n", c.By, c.Unchanged)
	} else {
		fmt.Fprintf(bw, "\n%d %s changed (%d within the thresholds):\n", len(c.Rows), c.By, c.Unchanged)
		tw := newNarrowTable(bw)
		fmt.Fprintf(tw, "change\t base/h\t now/h\t ratio\t delta/h\t server s/h\t errors\t p99\t %s\n", strings.Join(cols, "\t "))
		for _, r := range c.Rows {
			fmt.Fprintf(tw, "%s\t %s\t %s\t %s\t %s\t %s\t %s\t %s\t %s\n", r.Change, rate(r.Baseline.PerHour), rate(r.Subject.PerHour),
				ratio(r.Ratio), signed(r.Delta), arrow(rate(r.Baseline.ServerSecondsPerHour), rate(r.Subject.ServerSecondsPerHour)),
				arrow(sharePercent(r.Baseline.ErrorShare), sharePercent(r.Subject.ErrorShare)),
				arrow(ShortDuration(r.Baseline.P99), ShortDuration(r.Subject.P99)), rowKey(aggregate.Row{Key: r.Key, Parts: r.Parts}))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(fs) > 0 {
		fmt.Fprintf(bw, "\nfindings:\n")
		tw := newNarrowTable(bw)
		for _, f := range fs {
			change := f.Change
			if f.Change == findings.FindingWorse || f.Change == findings.FindingBetter {
				change += " " + ratio(f.Factor)
			}
			fmt.Fprintf(tw, "%s\t %s\t %s\t %s\t %s\n", change, f.Severity, f.ID,
				arrow(rate(f.BaselinePerHour)+"/h", rate(f.SubjectPerHour)+"/h"), Sanitize(f.Subject))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	t := c.Thresholds
	fmt.Fprintf(bw, "(a change counts at %s requests an hour or more, a score of %.3g or more, a factor of %.3g, or %s more refused or failed; rates are per hour of each capture's span)\n",
		rate(t.MinPerHour), t.Z, t.MinRatio, sharePercent(t.MinShareChange))
	return bw.Flush()
}

// WriteCompareCSV writes the changed keys of a comparison, one row each,
// in WriteCompare's order, rates per hour and durations in nanoseconds.
func WriteCompareCSV(w io.Writer, c aggregate.CompareResult) error {
	cw := csv.NewWriter(w)
	cols := c.Columns
	if len(cols) == 0 {
		cols = []string{c.By}
	}
	cw.Write(append(append([]string{"change"}, cols...), "baseline_requests", "subject_requests", "baseline_per_hour", "subject_per_hour",
		"ratio", "delta_per_hour", "baseline_server_s_per_hour", "subject_server_s_per_hour", "baseline_error_share", "subject_error_share",
		"baseline_p99_ns", "subject_p99_ns", "z"))
	for _, r := range c.Rows {
		row := append([]string{r.Change}, keyCells(r.Key, r.Parts)...)
		cw.Write(append(row, itoa(r.Baseline.Requests), itoa(r.Subject.Requests), ftoa(r.Baseline.PerHour), ftoa(r.Subject.PerHour),
			ftoa(r.Ratio), ftoa(r.Delta), ftoa(r.Baseline.ServerSecondsPerHour), ftoa(r.Subject.ServerSecondsPerHour),
			ftoa(r.Baseline.ErrorShare), ftoa(r.Subject.ErrorShare), dur(r.Baseline.P99), dur(r.Subject.P99), ftoa(r.Z)))
	}
	cw.Flush()
	return cw.Error()
}

// rate prints a rate with three significant digits at most: 0.25, 47, 1234.
func rate(r float64) string {
	switch {
	case r == 0:
		return "0"
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.2g", r)
}

// ratio prints a factor as x3.1, or - when there is none.
func ratio(r float64) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("x%.2g", r)
}

// signed prints a change with its sign.
func signed(d float64) string {
	if d >= 0 {
		return "+" + rate(d)
	}
	return "-" + rate(-d)
}

// arrow prints a before and an after, or one value when they are equal.
func arrow(before, after string) string {
	if before == after {
		return after
	}
	return before + "→" + after
}
