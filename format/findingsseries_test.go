package format

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/auditlens/auditlens/findings"
)

func TestSparkline(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		counts []int64
		cells  int
		want   string
	}{
		{nil, 24, "-"},
		{[]int64{0, 1, 8, 4, 0}, 24, "·▁█▄·"},
		{[]int64{0, 0, 0, 0}, 24, "····"},
		// 31 minutes in 24 cells: two minutes a cell, 16 cells, so that no
		// cell looks busier for holding more minutes.
		{[]int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 24, "███████████████▄"},
		{[]int64{100, 0, 0, 1}, 2, "█▁"},
		{[]int64{7, 7}, 0, "-"},
	} {
		s := findings.Series{Start: t0, Minutes: 1, Counts: tc.counts}
		if got := sparkline(s, tc.cells); got != tc.want {
			t.Errorf("%v in %d cells: %q, want %q", tc.counts, tc.cells, got, tc.want)
		}
	}
}

// findingsChart reports whether n is the svg element of a finding's chart
// (class "f"), which the page's structure check allows besides the
// histogram.
func findingsChart(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && a.Val == "f" {
			return true
		}
	}
	return false
}

// TestFindingsPageCharts checks the page's findings charts on the sample
// that plants every finding: a sparkline in each top-causes line and a
// chart for each finding, whose one orange bar is the onset's, and no more
// bars than onsetChartBars however long the capture.
func TestFindingsPageCharts(t *testing.T) {
	res := findingsOf(t, "../testdata/findings/audit_logs/kube-apiserver", findings.Options{})
	hf := newHTMLFindings(res)
	for _, c := range hf.Top {
		if c.Spark == nil || len(c.Spark.Bars) == 0 || len(c.Spark.Bars) > sparkCells {
			t.Errorf("top cause %s: sparkline %+v", c.What, c.Spark)
		}
	}
	for i, item := range hf.Items {
		f := res.Findings[i]
		if item.Chart == nil {
			t.Errorf("%s: no chart", f.ID)
			continue
		}
		var onsetBars []htmlBar
		var sum int64
		for _, b := range item.Chart.Bars {
			if b.Peak {
				onsetBars = append(onsetBars, b)
			}
			_, n, _ := strings.Cut(b.Label, ": ")
			v, _ := strconv.ParseInt(n, 10, 64)
			sum += v
		}
		if want := f.Onset.Format(time.TimeOnly) + ": "; len(onsetBars) != 1 || !strings.HasPrefix(onsetBars[0].Label, want) {
			t.Errorf("%s: onset bars %+v, want one at %s", f.ID, onsetBars, want)
		}
		if sum != f.Magnitude || item.Chart.Since != rowTime(f.Onset, time.TimeOnly) {
			t.Errorf("%s: chart of %d requests since %s, finding of %d since %v", f.ID, sum, item.Chart.Since, f.Magnitude, f.Onset)
		}
	}

	// Three days a minute at a time: 4,320 minutes, drawn in at most 120 bars.
	t0 := time.Date(2022, 2, 7, 0, 0, 0, 0, time.UTC)
	counts := make([]int64, 3*24*60)
	for i := range counts {
		counts[i] = int64(i % 7)
	}
	c := newSeriesChart(findings.Series{Start: t0, Minutes: 1, Counts: counts}, t0.Add(50*time.Hour), onsetChartBars, onsetChartWidth,
		onsetChartPlotH, onsetChartLeft, onsetChartTop, time.DateTime)
	if len(c.Bars) > onsetChartBars || c.From != "2022-02-07 00:00:00" || c.Until != "2022-02-10 00:00:00" {
		t.Errorf("3 days: %d bars from %s to %s", len(c.Bars), c.From, c.Until)
	}
	for _, b := range c.Bars {
		// 36 minutes a bar: the 84th starts at 01:48 on the 9th.
		if b.Peak && !strings.HasPrefix(b.Label, "2022-02-09 01:48:00: ") {
			t.Errorf("3 days: the onset (02:00 on the 9th) in bar %s", b.Label)
		}
	}
}

// TestFindingsWebhooks renders the webhooks a slow admission-webhooks
// finding names (findings/testdata/webhooks), and a hostile name: the
// text strips its controls, the page escapes it.
func TestFindingsWebhooks(t *testing.T) {
	res := findingsOf(t, "../findings/testdata/webhooks", findings.Options{})
	var text bytes.Buffer
	if err := WriteFindings(&text, res, FindingsOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"   Webhooks the log names on these requests (every mutating one called; a validating one only when it failed open):\n",
		"        30x mutating sidecar-injector.istio.io (configuration istio-sidecar-injector), changed the object on 30\n",
		"        30x mutating defaults.example.com (configuration pod-defaults), changed the object on 3\n",
		"         5x validating policy.example.com, failed open on 5\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	i := slices.IndexFunc(res.Findings, func(f findings.Finding) bool { return len(f.Webhooks) > 0 })
	if i < 0 {
		t.Fatal("no finding names a webhook")
	}
	res.Findings[i].Webhooks[0].Name = "<img src=x onerror=alert(1)>\x1b[31mred"
	var page bytes.Buffer
	text.Reset()
	if err := WriteFindings(&text, res, FindingsOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "\x1b") {
		t.Error("the text holds a terminal control")
	}
	if err := WriteHTML(&page, HTMLReport{Findings: &res}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "<img") || !strings.Contains(page.String(), "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the page does not show the hostile name escaped")
	}
}
