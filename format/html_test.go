package format

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// htmlReportOf counts entries the way kubectl-audit -o html does, plus a
// top by user agent, and returns the report.
func htmlReportOf(t testing.TB, entries []*auditlog.Entry, filter string, n int) HTMLReport {
	t.Helper()
	var tops []*aggregate.Count
	for _, by := range []string{"user", "resource", "namespace", "verb", "httpstatus", "useragent"} {
		tops = append(tops, aggregate.NewCount(mustKey(t, by)))
	}
	g := aggregate.NewGrouped(mustKey(t, "verb"))
	h := aggregate.NewHistogram(time.Minute, mustKey(t, "user"))
	l := aggregate.NewLatency(mustKey(t, "resource"))
	th := aggregate.NewThrottling()
	feed(entries, g, h, l, th)
	r := HTMLReport{Filter: filter, Summary: summary(entries)}
	if len(entries) > 0 {
		r.Read = &auditlog.Report{Files: 1, Lines: int64(len(entries)), Events: int64(len(entries))}
	}
	for _, c := range tops {
		feed(entries, c)
		r.Tops = append(r.Tops, c.Result(n))
	}
	hr, gr, lr, tr := h.Result(n, 1), g.Result(n), l.Result(n), th.Result(n)
	r.Histogram, r.Grouped, r.Latency, r.Throttling = &hr, &gr, &lr, &tr
	return r
}

func TestHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, htmlReportOf(t, loadEntries(t), "--stage=ResponseComplete", 5)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", buf.Bytes())
}

// TestHTMLEmpty checks that a report of no events, its parts present
// but empty, is a page with the summary only.
func TestHTMLEmpty(t *testing.T) {
	var buf bytes.Buffer
	r := htmlReportOf(t, nil, "", 10)
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"No events matched the filters.", `<span class="muted">none</span>`, "</html>"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<h2"); n != 1 || strings.Contains(page, "<svg") || strings.Contains(page, "<td class=\"k\">") {
		t.Errorf("empty page has sections it has no data for (%d headings):\n%s", n, page)
	}
}

// hostile are strings a client may put in its user name, URI or user
// agent to attack whoever opens the page.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`</style><script>alert(2)</script>`,
	`javascript:alert(3)`,
	`' onmouseover='alert(4)`,
	"</title><svg onload=alert(5)>\x1b[2J",
}

// hostileEntries are events whose user, URI and user agent are hostile,
// some throttled (so they reach every table) and some not.
func hostileEntries() []*auditlog.Entry {
	var out []*auditlog.Entry
	t0 := time.Date(2022, 2, 7, 22, 15, 0, 0, time.UTC)
	for i, s := range hostile {
		for j := range 3 {
			code := int32(429)
			if j == 0 {
				code = 200
			}
			at := t0.Add(time.Duration(i*3+j) * 20 * time.Second)
			ev := &auditv1.Event{
				Stage:                    auditv1.StageResponseComplete,
				Verb:                     "get" + s,
				RequestURI:               "/api/v1/namespaces/" + s + "/pods/" + s + "?q=" + s,
				UserAgent:                s,
				RequestReceivedTimestamp: metav1.NewMicroTime(at),
				StageTimestamp:           metav1.NewMicroTime(at.Add(time.Millisecond)),
				ResponseStatus:           &metav1.Status{Code: code},
			}
			ev.User.Username = s
			e := new(auditlog.Entry)
			e.Reset(ev, testSource, int64(len(out)+1), "")
			out = append(out, e)
		}
	}
	return out
}

// TestHTMLEscapesHostileText renders hostile user names, URIs, user agents
// and filter, then checks the page both as bytes and as parsed HTML: no
// element, attribute or URL comes from the logs, and every hostile string
// is still there, as text.
func TestHTMLEscapesHostileText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, htmlReportOf(t, hostileEntries(), "--user="+hostile[0]+hostile[1], 10)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<img", "<svg onload", "\x1b"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
		t.Errorf("page holds %d <script, want the template's one", n)
	}
	if n := strings.Count(page, "</style>"); n != 1 {
		t.Errorf("page holds %d </style>, want the stylesheet's one", n)
	}
	if o, c := strings.Count(page, "<title>"), strings.Count(page, "</title>"); o != c {
		t.Errorf("%d <title> but %d </title>", o, c)
	}

	got := checkHTMLStructure(t, page)
	// The strings are shown, escaped: as text, the user name comes back
	// whole (control characters escaped by Sanitize).
	for _, s := range hostile {
		if want := Sanitize(s); !strings.Contains(got, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
}

// navTargets are the sections the page's menu links to.
var navTargets = map[string]bool{"#findings": true, "#summary": true, "#top": true, "#histogram": true, "#grouped": true, "#latency": true, "#throttling": true}

// checkHTMLStructure parses page and fails t if it holds an element,
// attribute or URL that does not come from the template: a script but
// the template's one (its text, which the Content-Security-Policy allows
// by its hash), an image, an event handler, a link but the menu's to the
// sections, a second stylesheet or chart. It returns the page's text.
func checkHTMLStructure(t testing.TB, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	elements := map[string]int{}
	var text strings.Builder
	var script []string
	var csp string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			elements[n.Data]++
			if n.Data == "svg" && findingsChart(n) {
				elements["findings svg"]++ // a finding's chart, drawn from numbers only
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("<%s> has event handler %s=%q", n.Data, a.Key, a.Val)
				}
				menu := n.Data == "a" && a.Key == "href" && navTargets[a.Val] && n.Parent != nil && n.Parent.Data == "nav"
				if strings.Contains(strings.ToLower(a.Val), "javascript:") || (a.Key == "href" && !menu) || a.Key == "src" {
					t.Errorf("<%s> has %s=%q", n.Data, a.Key, a.Val)
				}
				if n.Data == "meta" && a.Key == "content" && strings.HasPrefix(a.Val, "default-src") {
					csp = a.Val
				}
			}
		case html.TextNode:
			if n.Parent != nil && n.Parent.Data == "script" {
				script = append(script, n.Data)
				break
			}
			text.WriteString(n.Data)
			text.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if elements["script"] != 1 || len(script) != 1 || script[0] != htmlScript {
		t.Errorf("page has %d <script> elements, want the template's one with its text", elements["script"])
	}
	if want := "script-src '" + htmlScriptHash + "'"; !strings.Contains(csp, want) || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("page's Content-Security-Policy is %q, want default-src 'none' and %s", csp, want)
	}
	for _, el := range []string{"img", "iframe", "object", "embed", "link", "foreignObject"} {
		if elements[el] > 0 {
			t.Errorf("page has %d <%s> elements", elements[el], el)
		}
	}
	if elements["style"] != 1 || elements["svg"]-elements["findings svg"] != 1 {
		t.Errorf("page has %d <style> and %d <svg>, want 1 each", elements["style"], elements["svg"])
	}
	return text.String()
}

// FuzzHTMLEscapes renders one event with a fuzzed user, URI, user agent
// and verb, and checks the page's structure.
func FuzzHTMLEscapes(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, "/api/v1/pods?x="+s, s, "get")
	}
	f.Fuzz(func(t *testing.T, user, uri, agent, verb string) {
		at := time.Date(2022, 2, 7, 22, 15, 0, 0, time.UTC)
		ev := &auditv1.Event{Stage: auditv1.StageResponseComplete, Verb: verb, RequestURI: uri, UserAgent: agent,
			RequestReceivedTimestamp: metav1.NewMicroTime(at), StageTimestamp: metav1.NewMicroTime(at.Add(time.Second)),
			ResponseStatus: &metav1.Status{Code: 429}}
		ev.User.Username = user
		e := new(auditlog.Entry)
		e.Reset(ev, testSource, 1, "")
		var buf bytes.Buffer
		if err := WriteHTML(&buf, htmlReportOf(t, []*auditlog.Entry{e}, "--user="+user, 10)); err != nil {
			t.Fatal(err)
		}
		checkHTMLStructure(t, buf.String())
	})
}

func TestHTMLChartLayout(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	bucket := func(min, count int) aggregate.Bucket {
		return aggregate.Bucket{Start: t0.Add(time.Duration(min) * time.Minute), Count: int64(count)}
	}
	for _, tc := range []struct {
		name     string
		buckets  []aggregate.Bucket
		bars     int
		peakBar  int
		title    string
		yMax     string
		lastTick string
	}{
		{"one bucket", []aggregate.Bucket{bucket(0, 5)}, 1, 0, "Requests per 1m: 5 requests in 1 buckets, peak 22:00:00 with 5", "5", "22:00:00"},
		{"empty buckets drawn", []aggregate.Bucket{bucket(0, 1), bucket(3, 4), bucket(4, 4)}, 5, 3, "Requests per 1m: 9 requests in 5 buckets, peak 22:03:00 with 4", "4", "22:04:00"},
		{"two per bar", []aggregate.Bucket{bucket(0, 1), bucket(599, 2)}, 300, 299, "Requests per 1m: 3 requests in 600 buckets, peak 2022-02-08 07:59:00 with 2 (each bar is 2m)", "2", "2022-02-08 06:20:00"},
		// The peak is the fullest bucket, marked in its bar, even when
		// another bar holds more buckets' worth.
		{"three per bar", []aggregate.Bucket{bucket(0, 7), bucket(1, 7), bucket(600, 9)}, 201, 200, "Requests per 1m: 23 requests in 601 buckets, peak 2022-02-08 08:00:00 with 9 (each bar is 3m)", "14", "2022-02-08 06:30:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var total int64
			for _, b := range tc.buckets {
				total += b.Count
			}
			c := newHTMLChart(aggregate.HistogramResult{Width: time.Minute, Total: total, Buckets: tc.buckets})
			if len(c.Bars) != tc.bars {
				t.Fatalf("%d bars, want %d", len(c.Bars), tc.bars)
			}
			peaks := 0
			for i, b := range c.Bars {
				if b.Peak {
					peaks++
					if i != tc.peakBar {
						t.Errorf("bar %d marked as the peak, want %d", i, tc.peakBar)
					}
				}
			}
			if peaks != 1 {
				t.Errorf("%d bars marked as the peak, want 1", peaks)
			}
			if c.Title != tc.title {
				t.Errorf("title %q, want %q", c.Title, tc.title)
			}
			if c.YMax != tc.yMax {
				t.Errorf("y max %s, want %s", c.YMax, tc.yMax)
			}
			if last := c.Ticks[len(c.Ticks)-1].Label; last != tc.lastTick {
				t.Errorf("last tick %q, want %q", last, tc.lastTick)
			}
			if len(c.Ticks) > chartTicks {
				t.Errorf("%d ticks, want at most %d", len(c.Ticks), chartTicks)
			}
		})
	}
}

func TestBarBuckets(t *testing.T) {
	for _, tc := range []struct{ rows, want int64 }{
		{1, 1}, {300, 1}, {301, 2}, {600, 2}, {601, 3}, {901, 5}, {4000, 15}, {300 * 1440, 1440},
		{300*30*1440 + 1, 300*30*1440/300 + 1},
	} {
		if got := barBuckets(tc.rows); got != tc.want {
			t.Errorf("barBuckets(%d) = %d, want %d", tc.rows, got, tc.want)
		}
	}
}

func TestPct(t *testing.T) {
	for _, tc := range []struct {
		n, of int64
		want  int
	}{{0, 10, 0}, {1, 1000, 1}, {5, 10, 50}, {10, 10, 100}, {3, 0, 0}} {
		if got := pct(tc.n, tc.of); got != tc.want {
			t.Errorf("pct(%d, %d) = %d, want %d", tc.n, tc.of, got, tc.want)
		}
	}
}
