package format

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// HistogramOptions say how WriteHistogram draws.
type HistogramOptions struct {
	// BarWidth is the length of the longest bar, in characters; 0 means
	// DefaultBarWidth.
	BarWidth int
	// MaxRows is the most rows (buckets, empty ones included) drawn; more
	// is an error asking for wider buckets. 0 means DefaultMaxRows.
	MaxRows int
}

// Defaults of HistogramOptions.
const (
	DefaultBarWidth = 50
	DefaultMaxRows  = 100000
)

// ErrTooManyBuckets is returned by WriteHistogram when the time range
// holds more than MaxRows buckets.
var ErrTooManyBuckets = errors.New("format: too many histogram buckets; use wider buckets")

// WriteHistogram draws a time histogram: a title line, then one row per
// bucket from the first to the last, empty buckets included,
//
//	23:10:00 |     312 ##################################################
//
// with the bucket's start (UTC; with the date when the buckets span more
// than one day, with milliseconds when they are shorter than a second),
// its count and a bar scaled to the fullest bucket. When the histogram was
// counted by a key (Result with perBucket > 0), the top keys of the peak
// bucket (the fullest; the earliest of equals) follow as a top list.
func WriteHistogram(w io.Writer, h aggregate.HistogramResult, opts HistogramOptions) error {
	if opts.BarWidth <= 0 {
		opts.BarWidth = DefaultBarWidth
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	bw := bufio.NewWriter(w)
	if len(h.Buckets) == 0 {
		fmt.Fprintf(bw, "Histogram of %d requests: no request has a time\n", h.Total)
		return bw.Flush()
	}
	first, last := h.Buckets[0].Start, h.Buckets[len(h.Buckets)-1].Start
	rows := int64(last.Sub(first)/h.Width) + 1
	if rows > int64(opts.MaxRows) || rows <= 0 {
		return fmt.Errorf("%w: %d buckets of %v from %s to %s (at most %d)", ErrTooManyBuckets,
			rows, h.Width, first.Format(time.RFC3339), last.Format(time.RFC3339), opts.MaxRows)
	}
	peak := 0
	for i, b := range h.Buckets {
		if b.Count > h.Buckets[peak].Count {
			peak = i
		}
	}
	layout := bucketLayout(h.Width, first, last)
	max := h.Buckets[peak].Count
	fmt.Fprintf(bw, "Histogram of %d requests in %v buckets (%d buckets, peak %s with %d", h.Total, h.Width,
		rows, h.Buckets[peak].Start.Format(layout), max)
	if h.RequestedWidth > 0 {
		fmt.Fprintf(bw, "; widened from %v to span the log in at most %d buckets", h.RequestedWidth, aggregate.MaxBuckets)
	}
	if h.NoTime > 0 {
		fmt.Fprintf(bw, "; %d without a time", h.NoTime)
	}
	bw.WriteString("):\n")
	next := 0
	for t := first; !t.After(last); t = t.Add(h.Width) {
		var n int64
		if next < len(h.Buckets) && h.Buckets[next].Start.Equal(t) {
			n = h.Buckets[next].Count
			next++
		}
		fmt.Fprintf(bw, "%s |%8d", t.Format(layout), n)
		if b := bar(n, max, opts.BarWidth); b != "" {
			bw.WriteString(" " + b)
		}
		bw.WriteByte('\n')
	}
	if p := h.Buckets[peak]; len(p.Top) > 0 {
		end := p.Start.Add(h.Width)
		fmt.Fprintf(bw, "\nTop %d %s in the peak bucket, %s to %s (%d requests):\n", len(p.Top), h.By,
			p.Start.Format(layout), end.Format(layout), p.Count)
		if err := WriteCount(bw, aggregate.CountResult{By: h.By, Rows: p.Top}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// bucketLayout is the time layout of bucket starts.
func bucketLayout(width time.Duration, first, last time.Time) string {
	layout := "15:04:05"
	if width < time.Second {
		layout = "15:04:05.000"
	}
	if y1, m1, d1 := first.Date(); true {
		if y2, m2, d2 := last.Date(); y1 != y2 || m1 != m2 || d1 != d2 {
			layout = "2006-01-02 " + layout
		}
	}
	return layout
}

// bar is n's bar: width characters for max, at least one for any n > 0.
func bar(n, max int64, width int) string {
	if n <= 0 || max <= 0 {
		return ""
	}
	l := int(n * int64(width) / max)
	if l == 0 {
		l = 1
	}
	return strings.Repeat("#", l)
}
