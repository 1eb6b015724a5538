// Package browser opens kubectl-audit's -o html page in a real browser,
// Debian's headless Chromium driven through github.com/chromedp/chromedp,
// with every request but the page's own refused, and uses it as a reader
// would: the section menu, the search box, a table's filter and sortable
// columns, the copy buttons; it checks that no console error and no
// Content-Security-Policy violation happened, that hostile names planted
// in the log stay text and run nothing, and that the page reads the same
// with scripts disabled.
//
// It is a module of its own so that chromedp stays out of the library's
// go.mod, and its test is behind the build tag browser so that the
// library's `go test ./...` needs no browser. With the tag, a missing
// chromium fails the test. .ci/run installs Debian's chromium when it is
// missing and runs
//
//	cd interop/browser && go test -tags browser ./...
package browser
