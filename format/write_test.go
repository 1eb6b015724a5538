package format

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// TestWrite checks that Write renders each view as its own writers do:
// the summary line then the view's text, the view's CSV, the Document's
// JSON.
func TestWrite(t *testing.T) {
	entries := loadEntries(t)
	sum := summary(entries)
	count := aggregate.NewCount(mustKey(t, "user"))
	grouped := aggregate.NewGrouped(mustKey(t, "verb"))
	trackers := aggregate.NewTrackers()
	hist := aggregate.NewHistogram(time.Minute, mustKey(t, "user"))
	latency := aggregate.NewLatency(mustKey(t, "resource"))
	throttling := aggregate.NewThrottling()
	feed(entries, count, grouped, trackers, hist, latency, throttling)
	c, g, tr, h, l, th := count.Result(5), grouped.Result(3), trackers.Result(), hist.Result(3, 3), latency.Result(5), throttling.Result(5)
	ch := hist.Changed(sum.First.Add(10*time.Minute), sum.First.Add(20*time.Minute), 3)
	withSummary := func(view func(io.Writer) error) func(io.Writer) error {
		return func(w io.Writer) error {
			if err := WriteSummary(w, sum); err != nil {
				return err
			}
			return view(w)
		}
	}
	for _, tc := range []struct {
		name      string
		doc       Document
		text, csv func(io.Writer) error
	}{
		{"top", Document{View: "top", Top: &c},
			withSummary(func(w io.Writer) error { return WriteCount(w, c) }),
			func(w io.Writer) error { return WriteCountCSV(w, c) }},
		{"grouped", Document{View: "top", Grouped: &g},
			withSummary(func(w io.Writer) error { return WriteGrouped(w, g) }),
			func(w io.Writer) error { return WriteGroupedCSV(w, g) }},
		{"stats", Document{View: "stats", Trackers: &tr},
			func(w io.Writer) error { return WriteTrackers(w, sum, tr) },
			func(w io.Writer) error { return WriteTrackersCSV(w, tr) }},
		{"histogram", Document{View: "histogram", Histogram: &h},
			withSummary(func(w io.Writer) error { return WriteHistogram(w, h, HistogramOptions{}) }),
			func(w io.Writer) error { return WriteHistogramCSV(w, h) }},
		{"changes", Document{View: "histogram", Histogram: &h, Changes: &ch},
			withSummary(func(w io.Writer) error {
				if err := WriteHistogram(w, h, HistogramOptions{}); err != nil {
					return err
				}
				io.WriteString(w, "\n")
				return WriteChanges(w, ch, h.By)
			}),
			func(w io.Writer) error { return WriteChangesCSV(w, ch, h.By) }},
		{"latency", Document{View: "latency", Latency: &l},
			withSummary(func(w io.Writer) error { return WriteLatency(w, l) }),
			func(w io.Writer) error { return WriteLatencyCSV(w, l) }},
		{"throttling", Document{View: "throttling", Throttling: &th},
			withSummary(func(w io.Writer) error { return WriteThrottling(w, th, ThrottlingOptions{}) }),
			func(w io.Writer) error { return WriteThrottlingCSV(w, th) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.doc.Summary = &sum
			for _, enc := range []Encoding{Text, CSV, JSON} {
				var got, want bytes.Buffer
				if err := Write(&got, tc.doc, enc); err != nil {
					t.Fatalf("%s: %v", enc, err)
				}
				var err error
				switch enc {
				case Text:
					err = tc.text(&want)
				case CSV:
					err = tc.csv(&want)
				default:
					err = WriteDocument(&want, tc.doc)
				}
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) || got.Len() == 0 {
					t.Errorf("%s: Write wrote\n%s\nwant\n%s", enc, got.Bytes(), want.Bytes())
				}
			}
		})
	}
}

// TestWriteEmptyAndBroken: a text view of nothing is empty (stats still
// writes its rule); a document without its result is an error.
func TestWriteEmptyAndBroken(t *testing.T) {
	var zero aggregate.SummaryResult
	c := aggregate.CountResult{By: "user"}
	var buf bytes.Buffer
	if err := Write(&buf, Document{View: "top", Summary: &zero, Top: &c}, Text); err != nil || buf.Len() != 0 {
		t.Errorf("empty top: %q, %v", buf.String(), err)
	}
	tr := aggregate.TrackersResult{}
	if err := Write(&buf, Document{View: "stats", Summary: &zero, Trackers: &tr}, Text); err != nil || !strings.HasPrefix(buf.String(), "=====") {
		t.Errorf("empty stats: %q, %v", buf.String(), err)
	}
	for _, d := range []Document{{View: "top", Summary: &zero}, {View: "latency", Summary: &zero, Top: &c}, {View: "top", Top: &c}, {View: "bogus", Summary: &zero}} {
		if err := Write(io.Discard, d, Text); err == nil {
			t.Errorf("Write(%+v) = nil, want an error", d)
		}
	}
}

func TestParseEncoding(t *testing.T) {
	for _, name := range []string{"", "text", "json", "csv", "xml", "JSON"} {
		enc, err := ParseEncoding(name)
		ok := name != "xml" && name != "JSON"
		if (err == nil) != ok {
			t.Errorf("ParseEncoding(%q) = %v, %v", name, enc, err)
		}
		if ok && name != "" && enc.String() != name {
			t.Errorf("ParseEncoding(%q).String() = %q", name, enc)
		}
	}
}
