package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressMinBytes is the input size from which a progress bar is shown.
const progressMinBytes = 64 << 20

// progress shows, on a terminal, how many bytes of the input files have
// been read, the rate and the time left.
type progress struct {
	stderr io.Writer
	bar    *progressbar.ProgressBar
}

// start shows a bar on stderr when stderr is a terminal and the input is
// large, and returns the function that moves it; nil (silent) otherwise.
func (p *progress) start(total int64) func(n int64) {
	f, ok := p.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || total < progressMinBytes {
		return nil
	}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)
	return func(n int64) { _ = p.bar.Add64(n) }
}

// done removes the bar.
func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
