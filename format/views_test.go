package format

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

func TestLatencyGolden(t *testing.T) {
	entries := loadEntries(t)
	for _, by := range []string{"user", "verb", "user,verb"} {
		t.Run(by, func(t *testing.T) {
			l := aggregate.NewLatency(mustKey(t, by))
			feed(entries, l)
			res := l.Result(5)
			var text, csv, js bytes.Buffer
			s := summary(entries)
			if err := WriteSummary(&text, s); err != nil {
				t.Fatal(err)
			}
			if err := WriteLatency(&text, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteLatencyCSV(&csv, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteDocument(&js, Document{View: "latency", Summary: &s, Parts: []Part{{"latency", &res}}}); err != nil {
				t.Fatal(err)
			}
			name := "latency-view-" + fileName(by)
			golden(t, name+".txt", text.Bytes())
			golden(t, name+".csv", csv.Bytes())
			golden(t, name+".json", js.Bytes())
		})
	}
}

// throttled is a hand-made throttling result: a throttled user, a user
// that only waited in a queue, and 429s in minutes spread over two days,
// with a crafted user name.
func throttled(minutes int) aggregate.ThrottlingResult {
	start := time.Date(2022, 2, 7, 23, 21, 0, 0, time.UTC)
	res := aggregate.ThrottlingResult{
		Total:    5000,
		Rejected: 0,
		QueueWait: aggregate.Quantiles{Count: 120, Min: time.Millisecond, Mean: 400 * time.Millisecond,
			P50: 123456 * time.Microsecond, P90: 900 * time.Millisecond, P99: 1870 * time.Millisecond, Max: 1917977 * time.Microsecond},
		Users: []aggregate.ThrottledUser{
			{User: "system:serviceaccount:ns:controller", Rejected: 0,
				First: start.Add(95220 * time.Microsecond), Last: start.Add(24*time.Minute + 28669425*time.Microsecond),
				QueueWait: aggregate.Quantiles{Count: 71, P50: 1182204051, P99: 1872727398, Max: 1917977000}},
			{User: "evil\x1b[2Juser", Rejected: 1, First: start, Last: start,
				QueueWait: aggregate.Quantiles{}},
			{User: "waiter", QueueWait: aggregate.Quantiles{Count: 3, P50: 27 * time.Millisecond, P99: 50150600, Max: 51 * time.Millisecond}},
		},
	}
	for i := range minutes {
		n := int64(i%7 + 1)
		res.PerMinute = append(res.PerMinute, aggregate.MinuteCount{Start: start.Add(time.Duration(i*3) * time.Minute), Count: n})
		res.Rejected += n
	}
	res.Users[0].Rejected = res.Rejected - 1
	return res
}

func TestThrottlingGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		minutes int
		opts    ThrottlingOptions
	}{
		{"throttling-few", 12, ThrottlingOptions{BarWidth: 30}},
		{"throttling-compact", 700, ThrottlingOptions{BarWidth: 30, MaxRows: 20}},
		{"throttling-none", 0, ThrottlingOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := throttled(tc.minutes)
			if tc.minutes == 0 {
				res = aggregate.ThrottlingResult{Total: 10}
			}
			var text, csv, js bytes.Buffer
			if err := WriteThrottling(&text, res, tc.opts); err != nil {
				t.Fatal(err)
			}
			if err := WriteThrottlingCSV(&csv, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteDocument(&js, Document{View: "throttling", Parts: []Part{{"throttling", &res}}}); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(text.Bytes(), []byte("\x1b")) || bytes.Contains(csv.Bytes(), []byte("\x1b")) {
				t.Error("a terminal escape of a user name reached the output")
			}
			golden(t, tc.name+".txt", text.Bytes())
			golden(t, tc.name+".csv", csv.Bytes())
			golden(t, tc.name+".json", js.Bytes())
		})
	}
}

// TestThrottlingFromEntries counts the test events' 429 and writes it.
func TestThrottlingFromEntries(t *testing.T) {
	entries := loadEntries(t)
	th := aggregate.NewThrottling()
	feed(entries, th)
	var text bytes.Buffer
	if err := WriteThrottling(&text, th.Result(3), ThrottlingOptions{BarWidth: 20}); err != nil {
		t.Fatal(err)
	}
	golden(t, "throttling-entries.txt", text.Bytes())
}

// TestThrottlingChartBounded checks that the chart never has more rows
// than MaxRows, whatever the spread of the 429s, and that it keeps every
// 429.
func TestThrottlingChartBounded(t *testing.T) {
	for _, tc := range []struct {
		minutes, max int
		width        string
	}{
		{1, 60, "1m"},
		{60, 60, "1m"},
		{61, 60, "5m"}, // the minutes are 3 apart: 2m buckets do not merge them
		{700, 20, "2h"},
		{5000, 5, "72h"}, // 15000 minutes: 3-day buckets
	} {
		res := throttled(tc.minutes)
		var b bytes.Buffer
		if err := WriteThrottling(&b, res, ThrottlingOptions{MaxRows: tc.max}); err != nil {
			t.Fatal(err)
		}
		_, chart, ok := strings.Cut(b.String(), "\n429s per ")
		if !ok {
			t.Fatalf("%d minutes: no chart in\n%s", tc.minutes, b.String())
		}
		lines := strings.Split(strings.TrimSuffix(chart, "\n"), "\n")
		if got := strings.Fields(lines[0])[0]; got != tc.width {
			t.Errorf("%d minutes in %d rows: width %s, want %s", tc.minutes, tc.max, got, tc.width)
		}
		rows := lines[1:]
		if len(rows) > tc.max {
			t.Errorf("%d minutes: %d rows, want at most %d", tc.minutes, len(rows), tc.max)
		}
		var sum int64
		for _, r := range rows {
			_, after, _ := strings.Cut(r, "|")
			var n int64
			for _, c := range strings.Fields(after)[0] {
				n = n*10 + int64(c-'0')
			}
			sum += n
		}
		if sum != res.Rejected {
			t.Errorf("%d minutes: chart holds %d 429s, want %d", tc.minutes, sum, res.Rejected)
		}
	}
}

func TestChangesGolden(t *testing.T) {
	entries := loadEntries(t)
	for _, by := range []string{"user", "user,verb"} {
		t.Run(by, func(t *testing.T) {
			h := aggregate.NewHistogram(time.Minute, mustKey(t, by))
			feed(entries, h)
			res := h.Result(0, 0)
			if len(res.Buckets) < 2 {
				t.Fatalf("test events in %d buckets; want several", len(res.Buckets))
			}
			from := res.Buckets[1].Start
			c := h.Changed(from, from.Add(2*time.Minute), 4)
			var text, csv, js bytes.Buffer
			if err := WriteChanges(&text, c, h.Result(0, 0).By); err != nil {
				t.Fatal(err)
			}
			if err := WriteChangesCSV(&csv, c, by); err != nil {
				t.Fatal(err)
			}
			if err := WriteDocument(&js, Document{View: "histogram", Parts: []Part{{"changes", &c}}}); err != nil {
				t.Fatal(err)
			}
			name := "changes-" + fileName(by)
			golden(t, name+".txt", text.Bytes())
			golden(t, name+".csv", csv.Bytes())
			golden(t, name+".json", js.Bytes())
		})
	}
}

// TestNewCSVsParse checks that the new CSV forms have as many cells in
// every row as in the header, and guard formulas.
func TestNewCSVsParse(t *testing.T) {
	c := aggregate.ChangeResult{From: time.Unix(0, 0), To: time.Unix(60, 0), In: 3, Out: 1,
		Rows: []aggregate.Change{{Key: "=cmd()", In: 2, ShareIn: 2.0 / 3, Growth: 2.0 / 3}, {Key: "a|b", Parts: []string{"a", "b"}}}}
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"changes", func(b *bytes.Buffer) error { c := c; c.Rows = c.Rows[:1]; return WriteChangesCSV(b, c, "user") }},
		{"changes composite", func(b *bytes.Buffer) error { c := c; c.Rows = c.Rows[1:]; return WriteChangesCSV(b, c, "user,verb") }},
		{"throttling", func(b *bytes.Buffer) error { return WriteThrottlingCSV(b, throttled(3)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				for _, cell := range r {
					if strings.HasPrefix(cell, "=") {
						t.Errorf("formula cell %q", cell)
					}
				}
			}
		})
	}
}

func TestShortDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{999, "999ns"},
		{time.Microsecond, "1µs"},
		{1234, "1.23µs"},
		{274335 * time.Nanosecond, "274µs"},
		{1234567 * time.Nanosecond, "1.23ms"},
		{1235 * time.Microsecond, "1.24ms"},
		{21345 * time.Millisecond, "21.3s"},
		{9*time.Minute + 51*time.Second + 400*time.Millisecond, "9m51s"},
		{2*time.Hour + 13*time.Minute + 40*time.Second, "2h13m40s"},
		{-1500 * time.Microsecond, "-1.5ms"},
	} {
		if got := ShortDuration(tc.d); got != tc.want {
			t.Errorf("ShortDuration(%d) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestShortWidth(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute: "1m", 5 * time.Minute: "5m", time.Hour: "1h", 150 * time.Minute: "2h30m",
		24 * time.Hour: "24h", 90 * time.Second: "1m30s",
	} {
		if got := shortWidth(d); got != want {
			t.Errorf("shortWidth(%v) = %q, want %q", d, got, want)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestNewViewsReportWriteErrors checks that a failing writer is an error.
func TestNewViewsReportWriteErrors(t *testing.T) {
	entries := loadEntries(t)
	l := aggregate.NewLatency(mustKey(t, "user"))
	feed(entries, l)
	h := aggregate.NewHistogram(time.Minute, mustKey(t, "user"))
	feed(entries, h)
	c := h.Changed(time.Unix(0, 0), time.Now(), 0)
	for name, err := range map[string]error{
		"latency":        WriteLatency(failWriter{}, l.Result(0)),
		"throttling":     WriteThrottling(failWriter{}, throttled(5), ThrottlingOptions{}),
		"changes":        WriteChanges(failWriter{}, c, "user"),
		"throttling csv": WriteThrottlingCSV(failWriter{}, throttled(5)),
		"changes csv":    WriteChangesCSV(failWriter{}, c, "user"),
	} {
		if err == nil {
			t.Errorf("%s: no error from a failing writer", name)
		}
	}
}

// TestHistogramWidenedTitle: a histogram whose buckets were widened says
// so in its title.
func TestHistogramWidenedTitle(t *testing.T) {
	h := aggregate.HistogramResult{Width: 4 * time.Second, RequestedWidth: time.Second, Total: 3,
		Buckets: []aggregate.Bucket{{Start: time.Unix(0, 0).UTC(), Count: 3}}}
	var buf bytes.Buffer
	if err := WriteHistogram(&buf, h, HistogramOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := "in 4s buckets (1 buckets, peak 00:00:00 with 3; widened from 1s to span the log in at most 100000 buckets)"; !strings.Contains(buf.String(), want) {
		t.Errorf("title %q does not say %q", buf.String(), want)
	}
}

// TestGroupedLetGo checks that the text and the page say when a bounded
// grouping let groups go, and mark the counts that may be short.
func TestGroupedLetGo(t *testing.T) {
	g := aggregate.GroupedResult{By: "verb", Total: 30, Limit: 2, Outer: []aggregate.GroupedOuter{{
		Key: "get", Total: 30, Distinct: 2, LetGoAtMost: 3, Groups: []aggregate.Group{
			{Path: "/api/v1/namespaces/a/pods/p", User: "u", Count: 20, Uncounted: 3, FirstURI: "/api/v1/namespaces/a/pods/p"},
			{Path: "/api/v1/namespaces/a/pods/q", User: "u", Count: 7, FirstURI: "/api/v1/namespaces/a/pods/q"},
		}}}}
	var text, page bytes.Buffer
	if err := WriteGrouped(&text, g); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, HTMLReport{Grouped: &g}); err != nil {
		t.Fatal(err)
	}
	note := "groups of at most 3 requests were let go to bound memory; a count marked + may be short by as many"
	for _, want := range []string{"(" + note + ")\n", "    +20x [", "      7x ["} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	// html/template writes + as &#43; in text.
	for _, want := range []string{strings.ReplaceAll(note, "+", "&#43;") + ".</p>", `<td class="n">+20</td>`, `<td class="n">7</td>`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
