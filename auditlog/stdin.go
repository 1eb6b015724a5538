package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// Stdin is the path that names standard input, in Find and Open: the
// command's -f -. What is piped in is sniffed like any file: plain, gzip or
// zstd, JSON lines (oc adm node-logs' host-name prefixes give each event's
// node) or a JSON document.
const Stdin = "-"

// stdin returns the standard input that Open reads for Stdin; tests
// replace it.
var stdin = func() io.Reader { return os.Stdin }

// openInput opens the file of a source: standard input for Stdin (never
// closed, and readable once), the spooled copy of it once SpoolStdin has
// made one, else the file at its path.
func openInput(src *Source) (io.ReadCloser, error) {
	switch {
	case src.mem != nil:
		return io.NopCloser(bytes.NewReader(*src.mem)), nil
	case src.spool != "":
		return os.Open(src.spool)
	case src.Path == Stdin:
		in := stdin()
		if f, ok := in.(*os.File); ok {
			// A terminal, not any character device: /dev/null is one, and
			// reads as empty input.
			if term.IsTerminal(int(f.Fd())) {
				return nil, errors.New("standard input is a terminal: pipe audit logs into it")
			}
		}
		return io.NopCloser(in), nil
	}
	return os.Open(src.Path)
}

// SpoolStdin copies standard input, when one of the sources reads it, to a
// temporary file in dir (os.TempDir() when ""), which the sources then
// read instead, so that it can be read more than once (a query that first
// finds the input's time span, then answers). Nothing is held in memory.
// The returned function removes the copy; it is never nil.
func SpoolStdin(sources []Source, dir string) (remove func(), err error) {
	remove = func() {}
	i := -1
	for k := range sources {
		if sources[k].Path == Stdin && sources[k].Skip == "" && sources[k].spool == "" {
			i = k
			break
		}
	}
	if i < 0 {
		return remove, nil
	}
	f, err := os.CreateTemp(dir, "auditlog-stdin-*")
	if err != nil {
		return remove, fmt.Errorf("cannot keep standard input to read it twice: %w", err)
	}
	remove = func() { os.Remove(f.Name()) }
	n, err := io.Copy(f, stdin())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		remove()
		return func() {}, fmt.Errorf("cannot keep standard input to read it twice: %w", err)
	}
	for k := range sources {
		if sources[k].Path == Stdin {
			sources[k].spool, sources[k].Size = f.Name(), n
		}
	}
	return remove, nil
}
