package follow

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// rotatingWriter writes an audit log the way the API server's lumberjack
// does, with the variations a follower must survive: lines written in
// pieces, rotation by rename and a new file, lines written to the renamed
// file before or after the new one exists, and rotated files compressed
// (file.gz written, file removed) at once or one rotation later.
type rotatingWriter struct {
	t       testing.TB
	dir     string
	live    string // the live file's name: NAME.log
	f       *os.File
	gen     int // rotations so far
	seq     int // lines written so far
	rng     *rand.Rand
	written []string // every line written, in order
	pending string   // a rotated file not compressed yet
}

// newRotatingWriter creates dir/live (appending if it exists).
func newRotatingWriter(t testing.TB, dir, live string, seed uint64) *rotatingWriter {
	w := &rotatingWriter{t: t, dir: dir, live: live, rng: rand.New(rand.NewPCG(seed, 24))}
	w.f = w.open()
	return w
}

// open opens the live file for appending.
func (w *rotatingWriter) open() *os.File {
	f, err := os.OpenFile(filepath.Join(w.dir, w.live), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		w.fail(err)
	}
	return f
}

// line writes one line to f, sometimes in two pieces with a pause between,
// so that a follower sees it incomplete.
func (w *rotatingWriter) line(f *os.File) {
	s := fmt.Sprintf("%s g%d n%d %s\n", w.live, w.gen, w.seq, strings.Repeat("x", w.rng.IntN(200)))
	w.seq++
	w.written = append(w.written, strings.TrimSuffix(s, "\n"))
	if w.rng.IntN(8) == 0 {
		cut := w.rng.IntN(len(s))
		w.write(f, s[:cut])
		time.Sleep(time.Duration(w.rng.IntN(300)) * time.Microsecond)
		s = s[cut:]
	}
	w.write(f, s)
	if w.rng.IntN(30) == 0 {
		time.Sleep(time.Duration(w.rng.IntN(500)) * time.Microsecond)
	}
}

// write writes s to f.
func (w *rotatingWriter) write(f *os.File, s string) {
	if _, err := f.WriteString(s); err != nil {
		w.fail(err)
	}
}

// rotate renames the live file to its rotated name and creates a new
// one; variant 0 writes lines to the renamed file before the new one is
// created, 1 after, 2 none; the rotated file is compressed at once
// (variant 0) or at the next rotation.
func (w *rotatingWriter) rotate(variant int) {
	stem := strings.TrimSuffix(w.live, ".log")
	rotated := filepath.Join(w.dir, fmt.Sprintf("%s-2026-01-02T15-%02d-%02d.000.log", stem, w.gen/60, w.gen%60))
	if err := os.Rename(filepath.Join(w.dir, w.live), rotated); err != nil {
		w.fail(err)
	}
	old := w.f
	switch variant {
	case 0:
		for range 3 {
			w.line(old)
		}
		w.f = w.open()
	case 1:
		w.f = w.open()
		for range 2 {
			w.line(old)
		}
	default:
		w.f = w.open()
	}
	if err := old.Close(); err != nil {
		w.fail(err)
	}
	w.gen++
	if w.pending != "" {
		w.compress(w.pending)
		w.pending = ""
	}
	if variant == 0 {
		w.compress(rotated)
	} else {
		w.pending = rotated
	}
}

// run writes n lines, rotating every `every` lines.
func (w *rotatingWriter) run(n, every int) {
	for i := range n {
		w.line(w.f)
		if (i+1)%every == 0 {
			w.rotate(i / every % 3)
		}
	}
}

// close closes the live file.
func (w *rotatingWriter) close() {
	if err := w.f.Close(); err != nil {
		w.fail(err)
	}
}

// fail fails the test from the writer's goroutine, ending the goroutine
// (its deferred calls run).
func (w *rotatingWriter) fail(err error) {
	w.t.Error(err)
	runtime.Goexit()
}

// compress does what lumberjack does to a rotated file: writes path.gz,
// then removes path.
func (w *rotatingWriter) compress(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		w.fail(err)
	}
	z, err := gzipData(data)
	if err != nil {
		w.fail(err)
	}
	if err := os.WriteFile(path+".gz", z, 0o644); err != nil {
		w.fail(err)
	}
	if err := os.Remove(path); err != nil {
		w.fail(err)
	}
}
