package format

import (
	"math"
	"strconv"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// ChartBars is the most bars the page's histogram chart draws: more
// buckets are drawn several to a bar, so the page's histogram need span no
// more buckets (aggregate.Histogram.SpanAtMost).
const ChartBars = 300

// Geometry of the histogram chart, in SVG user units.
const (
	chartWidth  = 1000
	chartHeight = 240
	chartLeft   = 60 // room for the y labels
	chartTop    = 10
	chartPlotW  = chartWidth - chartLeft - 10
	chartPlotH  = 180
	chartTicks  = 6 // x labels, about
)

// htmlChart is a histogram drawn as SVG bars.
type htmlChart struct {
	Title             string
	Width, Height     int
	Left, Top, Bottom int
	Right             int
	YMax              string
	Bars              []htmlBar
	Ticks             []htmlTick
	PeakBy            string
	PeakFrom, PeakTo  string
	PeakCount         int64
	PeakTop           []htmlBarRow
}

// htmlBar is one bar: its box, whether it holds the peak bucket, and its
// tooltip.
type htmlBar struct {
	X, Y, W, H string
	Peak       bool
	Label      string
}

// htmlTick is a time label under the x axis.
type htmlTick struct {
	X, Label string
}

// newHTMLChart lays out h, which has at least one bucket. Every bucket
// from the first to the last is drawn, empty ones included; past
// ChartBars buckets, k consecutive buckets make one bar. The peak is the
// fullest bucket (the earliest of equals), as in WriteHistogram.
func newHTMLChart(h aggregate.HistogramResult) *htmlChart {
	first, last := h.Buckets[0].Start, h.Buckets[len(h.Buckets)-1].Start
	rows := int64(last.Sub(first)/h.Width) + 1
	k := barBuckets(rows)
	nbars := (rows + k - 1) / k
	counts := make([]int64, nbars)
	peak := 0
	for i, b := range h.Buckets {
		counts[int64(b.Start.Sub(first)/h.Width)/k] += b.Count
		if b.Count > h.Buckets[peak].Count {
			peak = i
		}
	}
	peakBar := int64(h.Buckets[peak].Start.Sub(first)/h.Width) / k
	var top int64
	for _, n := range counts {
		top = max(top, n)
	}
	barWidth := h.Width * time.Duration(k)
	layout := bucketLayout(barWidth, first, last)
	c := &htmlChart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Top: chartTop,
		Bottom: chartTop + chartPlotH, Right: chartLeft + chartPlotW, YMax: itoa(top)}
	c.Title = "Requests per " + shortWidth(h.Width) + ": " + itoa(h.Total) + " requests in " + itoa(rows) +
		" buckets, peak " + h.Buckets[peak].Start.Format(bucketLayout(h.Width, first, last)) + " with " +
		itoa(h.Buckets[peak].Count)
	if k > 1 {
		c.Title += " (each bar is " + shortWidth(barWidth) + ")"
	}
	if h.RequestedWidth > 0 {
		c.Title += "; buckets widened from " + shortWidth(h.RequestedWidth) + " to span the log"
	}
	if h.NoTime > 0 {
		c.Title += "; " + itoa(h.NoTime) + " without a time"
	}
	step := float64(chartPlotW) / float64(nbars)
	every := max(1, (nbars+chartTicks-1)/chartTicks)
	for i, n := range counts {
		x := chartLeft + float64(i)*step
		hgt := 0.0
		if top > 0 {
			hgt = float64(n) * chartPlotH / float64(top)
		}
		start := first.Add(barWidth * time.Duration(i))
		c.Bars = append(c.Bars, htmlBar{X: num(x), Y: num(chartTop + chartPlotH - hgt), W: num(max(step*0.85, 0.5)),
			H: num(hgt), Peak: int64(i) == peakBar, Label: start.Format(layout) + ": " + itoa(n)})
		if int64(i)%every == 0 {
			c.Ticks = append(c.Ticks, htmlTick{X: num(x), Label: start.Format(layout)})
		}
	}
	if p := h.Buckets[peak]; len(p.Top) > 0 {
		bl := bucketLayout(h.Width, first, last)
		c.PeakBy, c.PeakCount = h.By, p.Count
		c.PeakFrom, c.PeakTo = p.Start.Format(bl), p.Start.Add(h.Width).Format(bl)
		c.PeakTop = newHTMLTop(aggregate.CountResult{By: h.By, Rows: p.Top}).Rows
	}
	return c
}

// niceBarBuckets are the numbers of buckets a bar may hold, so that with
// 1m buckets a bar is 1m, 2m, 5m, 10m, 15m, 30m, 1h, ... or a whole number
// of days.
var niceBarBuckets = []int64{1, 2, 3, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2 * 1440, 7 * 1440, 14 * 1440, 30 * 1440}

// barBuckets is how many buckets a bar holds for rows buckets: the first
// of niceBarBuckets that gives at most ChartBars bars, or as few as
// needed past them.
func barBuckets(rows int64) int64 {
	for _, k := range niceBarBuckets {
		if (rows+k-1)/k <= ChartBars {
			return k
		}
	}
	return (rows + ChartBars - 1) / ChartBars
}

// num formats a coordinate rounded to two decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }
