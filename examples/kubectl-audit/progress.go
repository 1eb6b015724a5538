package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/auditlens/auditlens/auditlog"
)

// progressMinBytes is the input size from which a progress bar is shown.
const progressMinBytes = 64 << 20

// progress shows, on a terminal, how many bytes of the input files have
// been read, the rate and the time left.
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a progress bar on stderr when stderr is a terminal
// and the input is large; nil (silent) otherwise.
func newProgress(stderr io.Writer, sources []auditlog.Source) *progress {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var total int64
	for _, s := range sources {
		if s.Skip == "" {
			total += s.Size
		}
	}
	if total < progressMinBytes {
		return nil
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)
	return &progress{bar: bar}
}

// hook returns the function the reader calls with the bytes it reads, or
// nil when there is no bar.
func (p *progress) hook() func(n int64) {
	if p == nil {
		return nil
	}
	return func(n int64) { _ = p.bar.Add64(n) }
}

// done removes the bar.
func (p *progress) done() {
	if p != nil {
		_ = p.bar.Finish()
	}
}
