package format

import (
	"time"

	"github.com/auditlens/auditlens/findings"
)

// htmlFindings is the findings section of the HTML page, every value
// formatted (and sanitized; the template escapes it).
type htmlFindings struct {
	Header string
	// Top is the top-causes table, a line per finding.
	Top   []htmlTopCause
	Notes []string
	Items []htmlFinding
}

type htmlFinding struct {
	// GroupTitle heads the first finding of a group; "" for the others.
	GroupTitle string
	// Load is the server time of the finding (findingLoad).
	Load                    string
	Rank                    int
	Severity, ID, Subject   string
	Title, Summary, Numbers string
	ShareOf, Command        string
	Rows                    []htmlEvidence
	More                    int
	Rules                   []string
	// RBACYAML is the finding's apply-ready RBAC, for a copyable block.
	RBACYAML string
	// Onset is the finding's onset (rowTime), and Chart its requests over
	// the capture with the onset's bar marked; nil without a series.
	Onset string
	Chart *htmlSeriesChart
	// Webhooks are the webhooks the finding names (webhookText), each
	// with its count.
	Webhooks []htmlWebhook
}

// htmlWebhook is a webhook a finding names.
type htmlWebhook struct {
	Count int64
	Text  string
}

// htmlTopCause is a line of the top-causes table with its sparkline.
type htmlTopCause struct {
	topCause
	Spark *htmlSeriesChart
}

// htmlSeriesChart is a finding's requests over the capture as SVG bars,
// whole buckets a bar; the bar of the onset is marked (htmlBar.Peak).
type htmlSeriesChart struct {
	Width, Height     int
	Left, Right       int
	Top, Bottom       int
	Label             string
	YMax, From, Until string
	// Since is the onset, for the chart's caption.
	Since string
	Bars  []htmlBar
}

// Geometry of the findings' charts, in SVG user units.
const (
	onsetChartBars   = 120
	onsetChartWidth  = 600
	onsetChartHeight = 78
	onsetChartLeft   = 40
	onsetChartTop    = 6
	onsetChartPlotH  = 54
	sparkWidth       = 96
	sparkHeight      = 16
)

// newSeriesChart lays out s in at most bars bars of whole buckets, in a
// plot of the given width and height that starts at left and top; the bar
// holding onset is marked. Labels are in layout. Nil when s is empty.
func newSeriesChart(s findings.Series, onset time.Time, bars, width, height, left, top int, layout string) *htmlSeriesChart {
	counts := sparkCounts(s, bars)
	if counts == nil {
		return nil
	}
	per := (len(s.Counts) + bars - 1) / bars
	barWidth := time.Duration(per*s.Minutes) * time.Minute
	var most, total int64
	for _, n := range counts {
		most, total = max(most, n), total+n
	}
	c := &htmlSeriesChart{Width: width, Height: height, Left: left, Right: width - 4, Top: top, Bottom: top + height,
		YMax: itoa(most), From: s.Start.Format(layout), Until: s.Start.Add(time.Duration(len(counts)) * barWidth).Format(layout)}
	c.Label = itoa(total) + " requests from " + c.From + " to " + c.Until + ", " + shortWidth(barWidth) + " a bar"
	onsetBar := -1
	if !onset.IsZero() {
		onsetBar = int(onset.Sub(s.Start) / barWidth)
	}
	step := float64(c.Right-left) / float64(len(counts))
	for i, n := range counts {
		if n == 0 {
			continue // an empty bar is not drawn
		}
		h := max(float64(n)*float64(height)/float64(most), 1) // a bar with requests shows
		start := s.Start.Add(time.Duration(i) * barWidth)
		c.Bars = append(c.Bars, htmlBar{X: num(float64(left) + float64(i)*step), Y: num(float64(top+height) - h),
			W: num(max(step*0.85, 0.5)), H: num(h), Peak: i == onsetBar, Label: start.Format(layout) + ": " + itoa(n)})
	}
	return c
}

type htmlEvidence struct {
	Count                      int64
	Share, Status, First, Last string
	What, Offender, Numbers    string
	Samples                    []string
	Command, SamplesCommand    string
}

// newHTMLFindings formats a findings result for the page.
func newHTMLFindings(r findings.Result) *htmlFindings {
	layout := rowTimeLayout(r)
	hf := &htmlFindings{Header: findingsHeader(r)}
	for _, c := range topCauses(r) {
		hf.Top = append(hf.Top, htmlTopCause{topCause: c, Spark: newSeriesChart(c.Series, time.Time{}, sparkCells, sparkWidth, sparkHeight, 0, 0, layout)})
	}
	for _, d := range r.Dropped {
		hf.Notes = append(hf.Notes, droppedNote(d)+".")
	}
	for i, f := range r.Findings {
		item := htmlFinding{Rank: i + 1, Severity: f.Severity.String(), ID: f.ID, Subject: Sanitize(f.Subject),
			Title: f.Title, Summary: Sanitize(f.Summary), Numbers: numbersText(f.Numbers), ShareOf: f.ShareOf,
			Command: Sanitize(f.Command), More: f.MoreRows, Load: findingLoad(f, r.ServerSeconds), RBACYAML: sanitizeLines(f.RBACYAML)}
		item.Onset = rowTime(f.Onset, layout)
		item.Chart = newSeriesChart(f.PerMinute, f.Onset, onsetChartBars, onsetChartWidth, onsetChartPlotH, onsetChartLeft, onsetChartTop, layout)
		if item.Chart != nil {
			item.Chart.Height, item.Chart.Since = onsetChartHeight, item.Onset
		}
		if i == 0 || f.Group != r.Findings[i-1].Group {
			item.GroupTitle = findingsGroupTitle(f.Group)
		}
		for _, row := range f.Rows {
			ev := htmlEvidence{Count: row.Count, Share: sharePercent(row.Share), Status: StatusMix(row.Status),
				First: rowTime(row.First, layout), Last: rowTime(row.Last, layout), What: Sanitize(row.What),
				Offender: Sanitize(row.Offender), Numbers: numbersText(row.Numbers), SamplesCommand: Sanitize(row.SamplesCommand)}
			for _, s := range row.Samples {
				ev.Samples = append(ev.Samples, Sanitize(s))
			}
			if row.Command != f.Command {
				ev.Command = Sanitize(row.Command)
			}
			item.Rows = append(item.Rows, ev)
		}
		for _, h := range f.Webhooks {
			item.Webhooks = append(item.Webhooks, htmlWebhook{Count: h.Requests, Text: webhookText(h)})
		}
		for _, rule := range f.Rules {
			item.Rules = append(item.Rules, ruleText(rule))
		}
		hf.Items = append(hf.Items, item)
	}
	return hf
}
