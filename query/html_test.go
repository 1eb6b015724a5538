package query

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditlens/auditlens/format"
)

// TestPageHistogramSpan: the page's histogram by user keeps the minutes
// of a capture of a few hours, and widens its buckets for a day's, so that
// it spans no more buckets than the chart draws bars; every request is
// counted either way, and the peak still names its users.
func TestPageHistogramSpan(t *testing.T) {
	start := time.Date(2022, 2, 7, 0, 0, 0, 0, time.UTC)
	users := []traffic{{"alice", 120, 0}, {"bob", 60, 10}, {"system:serviceaccount:ns:sa", 240, 0}}
	for _, c := range []struct {
		hours int
		width time.Duration
	}{
		{2, time.Minute},
		{24, 8 * time.Minute}, // 1,440 minutes: 720 of 2m, 360 of 4m, 180 of 8m
	} {
		path := filepath.Join(t.TempDir(), "audit.log")
		for h := range c.hours {
			writeCapture(t, path, start.Add(time.Duration(h)*time.Hour), users)
		}
		q := New(path)
		q.Output = "html"
		res, err := q.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		hist := res.HTML.Histogram
		var total int64
		for _, b := range hist.Buckets {
			total += b.Count
		}
		want := int64(c.hours * (120 + 60 + 240))
		if hist.Width != c.width || len(hist.Buckets) > format.ChartBars || total != want {
			t.Errorf("%d hours: %d buckets of %v, %d requests; want %v, at most %d, %d", c.hours, len(hist.Buckets), hist.Width, total, c.width, format.ChartBars, want)
		}
		if widened := c.width != time.Minute; (hist.RequestedWidth == time.Minute) != widened {
			t.Errorf("%d hours: requested width %v, widened %v", c.hours, hist.RequestedWidth, widened)
		}
		if len(hist.Peaks) == 0 || hist.Peaks[0].Key != "system:serviceaccount:ns:sa" {
			t.Errorf("%d hours: peaks %+v, want the service account first", c.hours, hist.Peaks)
		}
	}
}
