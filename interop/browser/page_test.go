//go:build browser

package browser

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/auditlens/auditlens/query"
)

// hostileUsers are user names a client may choose to attack whoever opens
// the page: each sets window.__pwned if it ever runs. They appear in the
// count tables, the grouped table, the throttling table and the findings.
var hostileUsers = []string{
	`</script><script>window.__pwned=1</script>`,
	`"><img src=x onerror="window.__pwned=2">`,
	`</style><svg onload=window.__pwned=3>`,
}

// microTime is the time format of audit events' timestamps.
const microTime = "2006-01-02T15:04:05.000000Z07:00"

// writeHostileLog writes a log of the hostile users' requests inside the
// committed sample's time range, enough of them (1200 each) to reach the
// page's top tens, a quarter of them throttled (429), and returns its path.
func writeHostileLog(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hostile-audit.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	t0 := time.Date(2022, 2, 7, 22, 30, 0, 0, time.UTC)
	for i, user := range hostileUsers {
		for j := range 1200 {
			at := t0.Add(time.Duration(j*7+i) * time.Second)
			code := 200
			if j%4 == 0 {
				code = 429
			}
			ev := map[string]any{
				"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
				"auditID":                  fmt.Sprintf("00000000-0000-4000-8000-%012d", i*10000+j),
				"stage":                    "ResponseComplete",
				"requestURI":               "/api/v1/namespaces/ns" + user + "/pods/p" + user,
				"verb":                     "get",
				"user":                     map[string]any{"username": user},
				"userAgent":                user,
				"objectRef":                map[string]any{"resource": "pods", "namespace": "ns" + user, "name": "p" + user, "apiVersion": "v1"},
				"responseStatus":           map[string]any{"code": code},
				"requestReceivedTimestamp": at.Format(microTime),
				"stageTimestamp":           at.Add(time.Duration(1+j%50) * time.Millisecond).Format(microTime),
			}
			line, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(line)
			w.WriteByte('\n')
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// reportPage is the -o html page of the committed sample must-gather and
// the hostile log, as kubectl-audit writes it.
func reportPage(t *testing.T) []byte {
	t.Helper()
	q := query.New("../../testdata/must-gather", writeHostileLog(t))
	q.Output = "html"
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReportInBrowser opens the page in headless Chromium, the network
// refused, and uses it: the section menu, the search box, a table's filter,
// sorting by count, by name and by duration, the copy buttons; then checks
// that nothing went wrong (no console error, no exception, no CSP
// violation, no request but the page's own) and that the planted hostile
// names are text that ran nothing. With scripts disabled the page reads
// the same; with its script changed by one byte, the CSP refuses it.
func TestReportInBrowser(t *testing.T) {
	report := reportPage(t)
	tampered := bytes.Replace(report, []byte(`<script>"use strict";`), []byte(`<script>"use strict"; `), 1)
	if bytes.Equal(tampered, report) {
		t.Fatal(`the page's script does not start with "use strict": the tampered copy is the page`)
	}
	browser := newBrowser(t)
	pages := map[string][]byte{origin + "report.html": report, origin + "tampered.html": tampered}
	var rowsWithScript int

	t.Run("scripts", func(t *testing.T) {
		tb := newTab(t, browser, pages, false)
		tb.open(t, origin+"report.html")
		if !eval[bool](t, tb, `!!document.getElementById("search")`) {
			t.Fatalf("the page's script did not run (no search box); faults: %q", tb.faults(t, true))
		}
		checkInert(t, tb)
		checkMenu(t, tb, true)
		rowsWithScript = eval[int](t, tb, `document.querySelectorAll("table.t tr").length`)
		checkSearch(t, tb)
		checkTableFilter(t, tb)
		checkSort(t, tb)
		checkCopy(t, tb)
		if f := tb.faults(t, true); len(f) > 0 {
			t.Errorf("the page went wrong:\n%s", strings.Join(f, "\n"))
		}
	})

	t.Run("no scripts", func(t *testing.T) {
		tb := newTab(t, browser, pages, true)
		tb.open(t, origin+"report.html")
		if n := eval[int](t, tb, `document.querySelectorAll("input, button, th[title]").length`); n != 0 {
			t.Errorf("with scripts disabled the page has %d controls the script adds", n)
		}
		checkInert(t, tb)
		checkMenu(t, tb, false)
		if n := eval[int](t, tb, `document.querySelectorAll("table.t tr").length`); n != rowsWithScript || n == 0 {
			t.Errorf("with scripts disabled the tables have %d rows, with scripts %d", n, rowsWithScript)
		}
		if n := eval[int](t, tb, `document.querySelectorAll("tr[hidden]").length`); n != 0 {
			t.Errorf("with scripts disabled %d rows are hidden", n)
		}
		if f := tb.faults(t, false); len(f) > 0 {
			t.Errorf("the page went wrong:\n%s", strings.Join(f, "\n"))
		}
	})

	// The control: the checks above would see a script the CSP refuses.
	t.Run("tampered script refused", func(t *testing.T) {
		tb := newTab(t, browser, pages, false)
		tb.open(t, origin+"tampered.html")
		if eval[bool](t, tb, `!!document.getElementById("search")`) {
			t.Error("a script whose hash the CSP does not list ran")
		}
		f := strings.Join(tb.faults(t, true), "\n")
		if !strings.Contains(f, "CSP violation: script-src") {
			t.Errorf("the refused script left no CSP violation; faults:\n%s", f)
		}
		if strings.Contains(f, "request refused") {
			t.Errorf("the tampered page asked for the network:\n%s", f)
		}
	})
}

// checkInert checks that the hostile names are on the page as text and
// made no element and ran nothing.
func checkInert(t *testing.T, tb *tab) {
	t.Helper()
	if v := eval[string](t, tb, `String(window.__pwned)`); v != "undefined" {
		t.Errorf("a hostile name ran: window.__pwned = %s", v)
	}
	counts := eval[map[string]int](t, tb, `({
		scripts: document.scripts.length,
		foreign: document.querySelectorAll("img, iframe, object, embed, style:not(head style), [onerror], [onload]").length,
		svgs: document.querySelectorAll("svg:not(.f)").length,
		// The findings' charts (class f), drawn from numbers: titles,
		// bars, an axis and its labels, nothing else.
		chartParts: [...document.querySelectorAll("svg.f *")].filter(e => !["title", "rect", "line", "text"].includes(e.localName)).length,
	})`)
	if counts["scripts"] != 1 || counts["foreign"] != 0 || counts["svgs"] != 1 || counts["chartParts"] != 0 {
		t.Errorf("the page has elements of the logs: %v (want 1 script, 0 foreign, 1 svg besides the findings' charts, charts of titles, bars, axes and labels alone)", counts)
	}
	text := eval[string](t, tb, `document.body.textContent`)
	for _, s := range hostileUsers {
		if !strings.Contains(text, s) {
			t.Errorf("the page's text lacks the hostile name %q", s)
		}
	}
}

// checkMenu checks that the section menu links every section, and, when
// scripts run, that following a link brings its section to the top.
func checkMenu(t *testing.T, tb *tab, follow bool) {
	t.Helper()
	links := eval[[][]any](t, tb, `Array.from(document.querySelectorAll("nav a")).map(function (a) {
		var id = a.getAttribute("href").slice(1);
		return [id, !!document.getElementById(id)];
	})`)
	var ids []string
	for _, l := range links {
		ids = append(ids, l[0].(string))
		if l[1] != true {
			t.Errorf("the menu links #%s, which is not on the page", l[0])
		}
	}
	if got, want := strings.Join(ids, " "), "findings summary top histogram grouped latency throttling"; got != want {
		t.Errorf("the menu links %q, want %q", got, want)
	}
	if !follow {
		return
	}
	tb.do(t, chromedp.Click(chromedp.CSS(`nav a[href="#latency"]`)))
	tb.settle(t)
	// The heading at the top of the window, or as near as the page's end
	// lets it come.
	pos := eval[map[string]float64](t, tb, `({top: document.getElementById("latency").getBoundingClientRect().top, y: window.scrollY,
		end: window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1 ? 1 : 0})`)
	if hash := eval[string](t, tb, `location.hash`); hash != "#latency" || pos["y"] <= 0 || pos["top"] < -1 || pos["top"] > 1 && pos["end"] == 0 {
		t.Errorf("after clicking Latency in the menu: location %q, scrolled to %v, the section's heading at %v", hash, pos["y"], pos["top"])
	}
}

// rowState is, for each data row of the page's tables (or of one table),
// whether it is hidden and whether its text holds a term.
const rowState = `(function (tables, term) {
	var out = [];
	tables.forEach(function (t, i) {
		Array.prototype.slice.call(t.rows, 1).forEach(function (r) {
			out.push([i, r.hidden, r.textContent.toLowerCase().indexOf(term) >= 0]);
		});
	});
	return out;
})`

// checkRows checks that the rows shown are those that hold term, in the
// tables of the state; at least one shown and one hidden in table want
// (-1: any).
func checkRows(t *testing.T, what string, state [][]any, want int) {
	t.Helper()
	shown, hidden := 0, 0
	for _, r := range state {
		table, isHidden, has := int(r[0].(float64)), r[1].(bool), r[2].(bool)
		if isHidden == has {
			t.Errorf("%s: a row of table %d is hidden=%v, holding the term=%v", what, table, isHidden, has)
		}
		if want < 0 || table == want {
			if isHidden {
				hidden++
			} else {
				shown++
			}
		}
	}
	if shown == 0 || hidden == 0 {
		t.Errorf("%s: %d rows shown and %d hidden: the term should pick some", what, shown, hidden)
	}
}

// checkSearch types into the search box and checks that every table shows
// the rows that hold the words, then that clearing it shows every row.
func checkSearch(t *testing.T, tb *tab) {
	t.Helper()
	tb.do(t, chromedp.SendKeys(chromedp.CSS("#search"), "onERROR"))
	tb.settle(t)
	checkRows(t, "search", eval[[][]any](t, tb, rowState+`(Array.from(document.querySelectorAll("table.t")), "onerror")`), -1)
	// The top users show the hostile ones.
	if n := eval[int](t, tb, `Array.from(document.querySelectorAll(".grid table.t")[0].rows).filter(function (r) { return !r.hidden; }).length`); n != 2 {
		t.Errorf("searching onerror, the top users show %d rows, want the header and the one user", n)
	}
	tb.clear(t, "#search")
	if n := eval[int](t, tb, `document.querySelectorAll("tr[hidden]").length`); n != 0 {
		t.Errorf("the search cleared, %d rows stay hidden", n)
	}
}

// clear empties an input as a reader would: select all, then delete.
func (tb *tab) clear(t *testing.T, sel string) {
	t.Helper()
	tb.do(t, chromedp.Focus(chromedp.CSS(sel)), chromedp.Evaluate[chromedp.Void](`document.activeElement.select()`),
		chromedp.KeyEvent(kb.Backspace))
	tb.settle(t)
	if v := eval[string](t, tb, `document.activeElement.value`); v != "" {
		t.Fatalf("%s still holds %q", sel, v)
	}
}

// checkTableFilter types into the filter of the top resources' table and
// checks that it filters that table alone.
func checkTableFilter(t *testing.T, tb *tab) {
	t.Helper()
	const sel = ".grid > div:nth-child(2) input.f"
	tb.do(t, chromedp.SendKeys(chromedp.CSS(sel), "Nodes"))
	tb.settle(t)
	state := eval[[][]any](t, tb, rowState+`(Array.from(document.querySelectorAll("table.t")), "nodes")`)
	resources := eval[int](t, tb, `Array.from(document.querySelectorAll("table.t")).indexOf(document.querySelectorAll(".grid table.t")[1])`)
	var own [][]any
	for _, r := range state {
		if int(r[0].(float64)) == resources {
			own = append(own, r)
		} else if r[1].(bool) {
			t.Errorf("the filter of the top resources hid a row of table %d", int(r[0].(float64)))
		}
	}
	checkRows(t, "the top resources' filter", own, resources)
	tb.clear(t, sel)
	if n := eval[int](t, tb, `document.querySelectorAll("tr[hidden]").length`); n != 0 {
		t.Errorf("the filter cleared, %d rows stay hidden", n)
	}
}

// column is the text of a column of a table's data rows.
func column(t *testing.T, tb *tab, table string, col int) []string {
	t.Helper()
	return eval[[]string](t, tb, fmt.Sprintf(`Array.prototype.slice.call(document.querySelector(%q).rows, 1).map(function (r) { return r.cells[%d].textContent; })`, table, col))
}

// sorted reports whether keys are in order, descending or not.
func sorted[T int64 | float64 | string](keys []T, descending bool) bool {
	for i := 1; i < len(keys); i++ {
		if descending && keys[i] > keys[i-1] || !descending && keys[i] < keys[i-1] {
			return false
		}
	}
	return true
}

// checkSort sorts the top users by count both ways and by name, and the
// latency table by p99 (Go durations, read here by time.ParseDuration),
// once by the keyboard.
func checkSort(t *testing.T, tb *tab) {
	t.Helper()
	const users = ".grid > div:nth-child(1) table.t"
	counts := func() []int64 {
		var out []int64
		for _, s := range column(t, tb, users, 0) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatalf("count %q: %v", s, err)
			}
			out = append(out, n)
		}
		return out
	}
	before := counts()
	for i, descending := range []bool{true, false} {
		tb.do(t, chromedp.Click(chromedp.CSS(users+" th:nth-child(1)")))
		got := counts()
		if !sorted(got, descending) || len(got) != len(before) {
			t.Errorf("click %d on count: %v, want sorted descending=%v", i+1, got, descending)
		}
		if s := eval[string](t, tb, fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-sort")`, users+" th:nth-child(1)")); s != map[bool]string{true: "descending", false: "ascending"}[descending] {
			t.Errorf("click %d on count: aria-sort %q", i+1, s)
		}
	}
	slices.Sort(before)
	if got := counts(); !slices.Equal(got, before) {
		t.Errorf("sorting changed the counts: %v, had %v", got, before)
	}
	tb.do(t, chromedp.Click(chromedp.CSS(users+" th:nth-child(3)")))
	var names []string
	for _, s := range column(t, tb, users, 2) {
		names = append(names, strings.ToLower(s))
	}
	if !sorted(names, true) {
		t.Errorf("sorted by user, descending: %q", names)
	}

	const latency = "#latency ~ table.t"
	tb.do(t, chromedp.Focus(chromedp.CSS(latency+" th:nth-child(3)")), chromedp.KeyEvent(kb.Enter))
	var p99s []float64
	for _, s := range column(t, tb, latency, 2) {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("p99 %q: %v", s, err)
		}
		p99s = append(p99s, d.Seconds())
	}
	if !sorted(p99s, true) || len(p99s) < 2 || p99s[0] == p99s[len(p99s)-1] {
		t.Errorf("latency sorted by p99 with the keyboard, descending: %v", column(t, tb, latency, 2))
	}
}

// checkCopy checks that every command has a copy button, and that one
// copies its command to the clipboard.
func checkCopy(t *testing.T, tb *tab) {
	t.Helper()
	n := eval[[]int](t, tb, `[document.querySelectorAll("code.cmd").length,
		document.querySelectorAll("code.cmd + button").length]`)
	if n[0] == 0 || n[0] != n[1] {
		t.Fatalf("%d commands, %d copy buttons", n[0], n[1])
	}
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name},
			Setting:    cdpbrowser.PermissionSettingGranted,
			Origin:     strings.TrimSuffix(origin, "/"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	// The first command outside a closed <details>: a finding's Next line.
	const next = "p > code.cmd + button"
	tb.do(t, chromedp.Click(chromedp.CSS(next)))
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`document.querySelector("p > code.cmd + button").textContent === "copied"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the copy button did not say copied: %v", err)
	}
	got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if want := eval[string](t, tb, `document.querySelector("p > code.cmd").textContent`); got != want || !strings.HasPrefix(got, "kubectl audit ") {
		t.Errorf("the clipboard holds %q, want the command %q", got, want)
	}
}
