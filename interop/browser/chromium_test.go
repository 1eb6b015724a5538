//go:build browser

package browser

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// origin is where the test's pages seem to come from: a loopback origin,
// so that the page is a secure context (the copy buttons need one), though
// nothing listens there: the browser's every request is answered or
// refused by the test (see tab).
const origin = "http://127.0.0.1:9/"

// newBrowser starts Debian's headless chromium, failing the test when it
// is not installed: .ci/run installs it. The flags keep it off the network
// of its own accord (no background, component or sync traffic), as root
// needs --no-sandbox.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("the browser test needs Debian's chromium (apt-get install chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// tab is a browser tab whose every request is paused: the test's pages
// are answered from memory, any other request is refused and recorded.
// It records what the page did wrong: console errors and warnings,
// uncaught exceptions, Content-Security-Policy violations, dialogs.
type tab struct {
	ctx   context.Context
	pages map[string][]byte // by URL

	mu       sync.Mutex
	refused  []string // URLs the page asked for and was refused
	problems []string // console errors, exceptions, CSP violations, dialogs
}

// violationRecorder runs before any script of the page (DevTools scripts
// bypass the page's CSP): it keeps the page's securitypolicyviolation
// events, which the test reads back.
const violationRecorder = `window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});`

// newTab opens a tab of the browser serving pages, with scripts disabled
// when noScript.
func newTab(t *testing.T, browser context.Context, pages map[string][]byte, noScript bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tb := &tab{ctx: ctx, pages: pages}
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatal(err)
	}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	consoles := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	logs := chromedp.Events(ctx, log.EntryAdded)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			tb.answer(ev)
		}
	}()
	go func() {
		for ev, err := range consoles {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, fmt.Sprint(a.Description, string(a.Value)))
				}
				tb.problem("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			tb.problem("uncaught exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg)
		}
	}()
	go func() {
		for ev, err := range logs {
			if err != nil {
				return
			}
			if e := ev.Entry; e.Level == log.EntryLevelError || e.Level == log.EntryLevelWarning {
				tb.problem("log %s (%s): %s %s", e.Level, e.Source, e.Text, e.URL)
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.problem("a %s dialog opened: %q", ev.Type, ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: violationRecorder}); err != nil {
		t.Fatal(err)
	}
	if noScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

// answer answers a paused request: a page of the test's, or a refusal.
func (tb *tab) answer(ev fetch.EventRequestPaused) {
	if body, ok := tb.pages[ev.Request.URL]; ok {
		chromedp.Call(tb.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
			RequestID:       ev.RequestID,
			ResponseCode:    200,
			ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
			Body:            body,
		})
		return
	}
	tb.mu.Lock()
	tb.refused = append(tb.refused, ev.Request.URL)
	tb.mu.Unlock()
	chromedp.Call(tb.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
}

func (tb *tab) problem(format string, args ...any) {
	tb.mu.Lock()
	tb.problems = append(tb.problems, fmt.Sprintf(format, args...))
	tb.mu.Unlock()
}

// open loads url and waits for its load event.
func (tb *tab) open(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}

// eval evaluates a JavaScript expression in the page (as DevTools does,
// whatever the page's CSP) and decodes its value into T.
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// do runs actions in the tab.
func (tb *tab) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// settle waits until the page has handled what was sent to it: a round
// trip through its event loop after the pending tasks.
func (tb *tab) settle(t *testing.T) {
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](`new Promise(function (r) { setTimeout(r, 0); })`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
}

// faults are the refused requests, the problems and the CSP violations
// the page recorded so far.
func (tb *tab) faults(t *testing.T, scripts bool) []string {
	t.Helper()
	var out []string
	if scripts {
		for _, v := range eval[[]string](t, tb, `window.__violations || []`) {
			out = append(out, "CSP violation: "+v)
		}
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, u := range tb.refused {
		out = append(out, "request refused: "+u)
	}
	return append(out, tb.problems...)
}
