package main

import (
	"io"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/auditlens/auditlens/auditlog"
)

// progressMinBytes is the input size from which a progress bar is shown.
const progressMinBytes = 64 << 20

// progress shows, on a terminal, how much of the input has been reached:
// a file's size is counted when its first event is seen (the reader gives
// no finer progress), so the bar is exact at file boundaries.
type progress struct {
	bar  *progressbar.ProgressBar
	seen sync.Map // *auditlog.Source -> struct{}
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

// saw notes that an event of src was read. It is cheap for a source seen
// before; callers call it only when the source changes.
func (p *progress) saw(src *auditlog.Source) {
	if p == nil || src == nil {
		return
	}
	if _, loaded := p.seen.LoadOrStore(src, struct{}{}); !loaded {
		_ = p.bar.Add64(src.Size)
	}
}

// done removes the bar.
func (p *progress) done() {
	if p != nil {
		_ = p.bar.Finish()
	}
}
