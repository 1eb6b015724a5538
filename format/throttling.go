package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// ThrottlingOptions say how WriteThrottling draws the 429s over time.
type ThrottlingOptions struct {
	// BarWidth is the length of the longest bar, in characters; 0 means
	// DefaultBarWidth.
	BarWidth int
	// MaxRows is the most rows of the chart; 0 means DefaultThrottlingRows.
	// When more minutes had 429s, the chart counts them in wider buckets
	// (2m, 5m, 10m, 15m, 30m, 1h, ... 1 day, then whole days), the
	// narrowest that fit.
	MaxRows int
}

// DefaultThrottlingRows is the default ThrottlingOptions.MaxRows.
const DefaultThrottlingRows = 60

// throttleLayout is how times of 429s are printed: RFC 3339 in UTC to the
// microsecond (the precision of audit timestamps), fixed width.
const throttleLayout = "2006-01-02T15:04:05.000000Z07:00"

// WriteThrottling writes the -o throttling view (after the summary line,
// which the caller writes): the number of 429 responses and the APF queue
// waits, one row per user with the user's 429 count, first and last 429
// (UTC, RFC 3339 to the microsecond) and queue-wait p50, p99 and max,
//
//	429s      first 429                    last 429                     wait p50  wait p99  wait max  user
//	71x       2022-02-07T23:21:22.095220Z  2022-02-07T23:45:50.669425Z  0s        0s        0s        system:serviceaccount:...
//
// then the 429s over time as a bar chart of the minutes that had any, like
// WriteHistogram's, in wider buckets when there are more than
// opts.MaxRows of them. Users that only waited in a queue have 0x and no
// times.
func WriteThrottling(w io.Writer, t aggregate.ThrottlingResult, opts ThrottlingOptions) error {
	if opts.BarWidth <= 0 {
		opts.BarWidth = DefaultBarWidth
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultThrottlingRows
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "429 Too Many Requests: %d of %d requests (%s)\n", t.Rejected, t.Total, percent(t.Rejected, t.Total))
	if q := t.QueueWait; q.Count > 0 {
		fmt.Fprintf(bw, "APF queue wait: %d requests, p50 %s, p99 %s, max %s\n", q.Count, ShortDuration(q.P50),
			ShortDuration(q.P99), ShortDuration(q.Max))
	} else {
		bw.WriteString("APF queue wait: no request has an apf-queue-wait annotation\n")
	}
	if len(t.Users) > 0 {
		fmt.Fprintf(bw, "\nTop %d users by 429s, then by longest queue wait:\n", len(t.Users))
		tw := newNarrowTable(bw)
		fmt.Fprintf(tw, "429s\t %s \t %s \t wait p50\t wait p99\t wait max\t user\n", "first 429", "last 429")
		for _, u := range t.Users {
			q := u.QueueWait
			if _, err := fmt.Fprintf(tw, "%dx\t %s \t %s \t %s\t %s\t %s\t %s\n", u.Rejected, throttleTime(u.First),
				throttleTime(u.Last), waitCell(q, q.P50), waitCell(q, q.P99), waitCell(q, q.Max), Sanitize(u.User)); err != nil {
				return err
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(t.PerMinute) > 0 {
		rows, width := compactMinutes(t.PerMinute, opts.MaxRows)
		peak := 0
		for i, r := range rows {
			if r.Count > rows[peak].Count {
				peak = i
			}
		}
		layout := "15:04"
		if y1, m1, d1 := rows[0].Start.Date(); true {
			if y2, m2, d2 := rows[len(rows)-1].Start.Date(); y1 != y2 || m1 != m2 || d1 != d2 {
				layout = "2006-01-02 15:04"
			}
		}
		fmt.Fprintf(bw, "\n429s per %s (%d with 429s, peak %s with %d):\n", shortWidth(width), len(rows),
			rows[peak].Start.Format(layout), rows[peak].Count)
		for _, r := range rows {
			fmt.Fprintf(bw, "%s |%8d %s\n", r.Start.Format(layout), r.Count, bar(r.Count, rows[peak].Count, opts.BarWidth))
		}
	}
	return bw.Flush()
}

// throttleTime is a 429 time, or "-" when there is none.
func throttleTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(throttleLayout)
}

// waitCell is a queue-wait quantile, or "-" when the user never waited.
func waitCell(q aggregate.Quantiles, d time.Duration) string {
	if q.Count == 0 {
		return "-"
	}
	return ShortDuration(d)
}

// percent is n of total as a percentage with two decimals.
func percent(n, total int64) string {
	if total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(n)/float64(total))
}

// compactWidths are the bucket widths the 429 chart widens to, in order.
var compactWidths = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour}

// compactMinutes counts the per-minute counts in the narrowest width of
// compactWidths (then whole days) that gives at most max non-empty
// buckets, aligned on multiples of the width since the Unix epoch.
func compactMinutes(minutes []aggregate.MinuteCount, max int) ([]aggregate.MinuteCount, time.Duration) {
	for i := 0; ; i++ {
		width := 24 * time.Hour * time.Duration(i-len(compactWidths)+2)
		if i < len(compactWidths) {
			width = compactWidths[i]
		}
		rows := regroup(minutes, width)
		if len(rows) <= max || width > 100*365*24*time.Hour {
			return rows, width
		}
	}
}

// regroup sums the counts of minutes, in time order, in buckets of width.
func regroup(minutes []aggregate.MinuteCount, width time.Duration) []aggregate.MinuteCount {
	var rows []aggregate.MinuteCount
	for _, m := range minutes {
		s := m.Start.Add(-time.Duration(m.Start.UnixNano() % int64(width))).UTC()
		if n := len(rows); n > 0 && rows[n-1].Start.Equal(s) {
			rows[n-1].Count += m.Count
			continue
		}
		rows = append(rows, aggregate.MinuteCount{Start: s, Count: m.Count})
	}
	return rows
}

// shortWidth prints a bucket width without zero units: 1m, 5m, 1h, 2h30m, 24h.
func shortWidth(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
