package format

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// The CSV writers write one header row and then one row per item, with
// encoding/csv quoting. Durations are in nanoseconds (integers) and times
// in RFC 3339 with nanoseconds, UTC, so that a spreadsheet or a program
// reads them without loss. Text cells (keys, users, URIs) are sanitized
// like text output and, when they begin with = + - @ (which spreadsheets
// take for a formula), prefixed with a single quote.

// WriteCountCSV writes a count by key: the key's columns, then count.
func WriteCountCSV(w io.Writer, c aggregate.CountResult) error {
	cw := csv.NewWriter(w)
	cols := c.Columns
	if len(cols) == 0 {
		cols = []string{c.By}
	}
	header := append(append([]string{}, cols...), "count")
	cw.Write(header)
	for _, r := range c.Rows {
		cw.Write(append(keyCells(r.Key, r.Parts), itoa(r.Count)))
	}
	cw.Flush()
	return cw.Error()
}

// WriteGroupedCSV writes grouped requests: one row per group, with its
// outer key (verb or status code) and that key's total.
func WriteGroupedCSV(w io.Writer, g aggregate.GroupedResult) error {
	cw := csv.NewWriter(w)
	by := g.By
	if by == "" {
		by = "key"
	}
	cw.Write([]string{by, by + "_total", "count", "status", "path", "query", "user", "first_uri", "first_time",
		"min_ns", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns"})
	for _, o := range g.Outer {
		for _, gr := range o.Groups {
			q := gr.Latency
			cw.Write([]string{cell(o.Key), itoa(o.Total), itoa(gr.Count), cell(StatusMix(gr.Status)), cell(gr.Path),
				cell(gr.Query), cell(gr.User), cell(gr.FirstURI), timeCell(gr.FirstTime),
				dur(q.Min), dur(q.Mean), dur(q.P50), dur(q.P90), dur(q.P99), dur(q.Max)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteHistogramCSV writes a histogram: one row per bucket that has
// requests (start, count) when it was not counted by key; with a key, one
// row per bucket and top key (start, bucket count, the key's columns,
// count), and a bucket with no keys as one row with empty key cells.
func WriteHistogramCSV(w io.Writer, h aggregate.HistogramResult) error {
	cw := csv.NewWriter(w)
	keyed := false
	for _, b := range h.Buckets {
		if len(b.Top) > 0 {
			keyed = true
			break
		}
	}
	if !keyed {
		cw.Write([]string{"start", "count"})
		for _, b := range h.Buckets {
			cw.Write([]string{timeCell(b.Start), itoa(b.Count)})
		}
		cw.Flush()
		return cw.Error()
	}
	cols := strings.Split(h.By, ",")
	cw.Write(append(append([]string{"start", "bucket_count"}, cols...), "count"))
	for _, b := range h.Buckets {
		if len(b.Top) == 0 {
			row := []string{timeCell(b.Start), itoa(b.Count)}
			row = append(row, make([]string, len(cols))...)
			cw.Write(append(row, ""))
			continue
		}
		for _, r := range b.Top {
			row := append([]string{timeCell(b.Start), itoa(b.Count)}, keyCells(r.Key, r.Parts)...)
			cw.Write(append(row, itoa(r.Count)))
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTrackersCSV writes the -o stats annotations: one row per
// annotation with its count, invalid values and latency distribution.
func WriteTrackersCSV(w io.Writer, t aggregate.TrackersResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"annotation", "count", "invalid", "min_ns", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns"})
	for _, tr := range t.Trackers {
		q := tr.Latency
		cw.Write([]string{cell(tr.Annotation), itoa(q.Count), itoa(tr.Invalid),
			dur(q.Min), dur(q.Mean), dur(q.P50), dur(q.P90), dur(q.P99), dur(q.Max)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteLatencyCSV writes latency by key: the key's columns, then the
// count and distribution.
func WriteLatencyCSV(w io.Writer, l aggregate.LatencyResult) error {
	cw := csv.NewWriter(w)
	cols := l.Columns
	if len(cols) == 0 {
		cols = []string{l.By}
	}
	cw.Write(append(append([]string{}, cols...), "count", "min_ns", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns"))
	for _, r := range l.Rows {
		q := r.Latency
		cw.Write(append(keyCells(r.Key, r.Parts), itoa(q.Count), dur(q.Min), dur(q.Mean), dur(q.P50),
			dur(q.P90), dur(q.P99), dur(q.Max)))
	}
	cw.Flush()
	return cw.Error()
}

// WriteThrottlingCSV writes the users of -o throttling: one row per user
// with the 429 count, the first and last 429 (empty when none) and the
// queue-wait distribution. The 429s per minute are the CSV of a histogram
// of the 429s (-o histogram --http-status-code=429 --format=csv).
func WriteThrottlingCSV(w io.Writer, t aggregate.ThrottlingResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"user", "rejected", "first", "last", "wait_count", "wait_min_ns", "wait_mean_ns",
		"wait_p50_ns", "wait_p90_ns", "wait_p99_ns", "wait_max_ns"})
	for _, u := range t.Users {
		q := u.QueueWait
		cw.Write([]string{cell(u.User), itoa(u.Rejected), timeCell(u.First), timeCell(u.Last), itoa(q.Count),
			dur(q.Min), dur(q.Mean), dur(q.P50), dur(q.P90), dur(q.P99), dur(q.Max)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteChangesCSV writes what changed in a window: one row per key with
// the window (from, to), the key's columns, its counts and shares inside
// and outside the window and the growth of its share (fractions, not
// percentages). by names the key's columns as in WriteChanges.
func WriteChangesCSV(w io.Writer, c aggregate.ChangeResult, by string) error {
	cw := csv.NewWriter(w)
	cols := strings.Split(by, ",")
	cw.Write(append(append([]string{"from", "to"}, cols...), "in", "out", "share_in", "share_out", "growth"))
	from, to := timeCell(c.From), timeCell(c.To)
	for _, r := range c.Rows {
		row := append([]string{from, to}, keyCells(r.Key, r.Parts)...)
		cw.Write(append(row, itoa(r.In), itoa(r.Out), ftoa(r.ShareIn), ftoa(r.ShareOut), ftoa(r.Growth)))
	}
	cw.Flush()
	return cw.Error()
}

// keyCells are the cells of a key: one per part of a composite key.
func keyCells(key string, parts []string) []string {
	if len(parts) == 0 {
		return []string{cell(key)}
	}
	cells := make([]string, len(parts))
	for i, p := range parts {
		cells[i] = cell(p)
	}
	return cells
}

// cell makes untrusted text safe for a CSV cell.
func cell(s string) string {
	s = Sanitize(s)
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s // a number, not a formula
	}
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@':
			return "'" + s
		}
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func dur(d time.Duration) string { return strconv.FormatInt(int64(d), 10) }

func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
