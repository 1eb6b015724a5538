package format

import (
	"bytes"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

func TestListingGolden(t *testing.T) {
	entries := loadEntries(t)
	for _, tc := range []struct {
		name  string
		style ListStyle
	}{
		{"listing-default.txt", ListDefault},
		{"listing-wide.txt", ListWide},
		{"listing-json.txt", ListJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := NewListing(&buf, tc.style)
			for _, e := range entries {
				if err := l.Write(e); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Flush(); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, buf.Bytes())
		})
	}
}

func TestTopGolden(t *testing.T) {
	entries := loadEntries(t)
	for _, by := range []string{"user", "resource", "namespace", "useragent", "user,verb"} {
		t.Run(by, func(t *testing.T) {
			c := aggregate.NewCount(mustKey(t, by))
			feed(entries, c)
			res := c.Result(10)
			var text, csv, js bytes.Buffer
			if err := WriteSummary(&text, summary(entries)); err != nil {
				t.Fatal(err)
			}
			if err := WriteCount(&text, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteCountCSV(&csv, res); err != nil {
				t.Fatal(err)
			}
			s := summary(entries)
			if err := WriteDocument(&js, Document{View: "top", Summary: &s, Parts: []Part{{"top", &res}}}); err != nil {
				t.Fatal(err)
			}
			name := "top-" + fileName(by)
			golden(t, name+".txt", text.Bytes())
			golden(t, name+".csv", csv.Bytes())
			golden(t, name+".json", js.Bytes())
		})
	}
}

func TestGroupedGolden(t *testing.T) {
	entries := loadEntries(t)
	for _, by := range []string{"verb", "httpstatus"} {
		t.Run(by, func(t *testing.T) {
			g := aggregate.NewGrouped(mustKey(t, by))
			feed(entries, g)
			res := g.Result(5)
			var text, csv, js bytes.Buffer
			if err := WriteGrouped(&text, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteGroupedCSV(&csv, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteDocument(&js, Document{View: "top", Parts: []Part{{"grouped", &res}}}); err != nil {
				t.Fatal(err)
			}
			golden(t, "grouped-"+by+".txt", text.Bytes())
			golden(t, "grouped-"+by+".csv", csv.Bytes())
			golden(t, "grouped-"+by+".json", js.Bytes())
		})
	}
}

func TestStatsGolden(t *testing.T) {
	entries := loadEntries(t)
	tr := aggregate.NewTrackers()
	feed(entries, tr)
	res := tr.Result()
	var text, csv bytes.Buffer
	if err := WriteTrackers(&text, summary(entries), res); err != nil {
		t.Fatal(err)
	}
	if err := WriteTrackersCSV(&csv, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "stats.txt", text.Bytes())
	golden(t, "stats.csv", csv.Bytes())
}

func TestHistogramGolden(t *testing.T) {
	entries := loadEntries(t)
	for _, tc := range []struct {
		name  string
		width time.Duration
		by    string
	}{
		{"histogram-1m", time.Minute, ""},
		{"histogram-30s-user", 30 * time.Second, "user"},
		{"histogram-1m-user-verb", time.Minute, "user,verb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var k aggregate.Key
			if tc.by != "" {
				k = mustKey(t, tc.by)
			}
			h := aggregate.NewHistogram(tc.width, k)
			feed(entries, h)
			res := h.Result(3, 0)
			var text, csv bytes.Buffer
			if err := WriteHistogram(&text, res, HistogramOptions{BarWidth: 40}); err != nil {
				t.Fatal(err)
			}
			if err := WriteHistogramCSV(&csv, res); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".txt", text.Bytes())
			golden(t, tc.name+".csv", csv.Bytes())
		})
	}
}

func TestLatencyCSVGolden(t *testing.T) {
	entries := loadEntries(t)
	l := aggregate.NewLatency(mustKey(t, "verb"))
	feed(entries, l)
	var csv bytes.Buffer
	if err := WriteLatencyCSV(&csv, l.Result(0)); err != nil {
		t.Fatal(err)
	}
	golden(t, "latency-verb.csv", csv.Bytes())
}

// fileName turns a key name into a file name part.
func fileName(by string) string {
	b := []byte(by)
	for i, c := range b {
		if c == ',' {
			b[i] = '-'
		}
	}
	return string(b)
}
