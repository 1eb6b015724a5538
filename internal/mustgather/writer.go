package mustgather

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/gzip"
)

// writer writes one API server's events on one node into its rotated files
// and counts them.
type writer struct {
	dir, server, node string
	start, slot       int64 // slot: the time slice of a rotated file
	files             int
	level             int
	liveGzip          bool              // Config.GatherGzip
	plans             map[int]*filePlan // by file index; kube-apiserver only
	hugeBytes         int
	g                 *gen
	t                 *tally
	// folder, with Config.PlainNames, is the folder of the node's files
	// under the server's ("." for a single master), which have no node in
	// their names; "" otherwise.
	folder string

	cur      int // file index open, -1 before the first
	f        *os.File
	bw       *bufio.Writer
	gz       *gzip.Writer
	ft       FileTruth
	offset   int64 // uncompressed bytes written to the file
	plan     *filePlan
	dropping bool // the file was truncated: drop what follows
	buf      []byte
	last     []byte // the last event line, for a cut last line
	nonJSON  int
}

// fileName is the name of file k of a node: rotated files carry the time of
// their rotation, as the API server (lumberjack) names them; the last is
// the live audit.log.
func (w *writer) fileName(k int) string {
	prefix := w.node + "-"
	if w.folder != "" {
		// Config.PlainNames: no node in the name.
		prefix = ""
	}
	if k == w.files-1 {
		if w.liveGzip {
			return prefix + "audit.log.gz"
		}
		return prefix + "audit.log"
	}
	at := w.start + w.slot*int64(k+1)
	return prefix + "audit-" + string(appendTime(nil, at, "2006-01-02T15-04-05.000")) + ".log.gz"
}

func (w *writer) open(k int) error {
	w.cur = k
	rel := filepath.ToSlash(filepath.Join("audit_logs", w.server, w.folder, w.fileName(k)))
	f, err := os.Create(filepath.Join(w.dir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	w.f = f
	w.bw = bufio.NewWriterSize(f, 256<<10)
	w.ft = FileTruth{Path: rel, Server: w.server, Node: w.node, Gzip: k < w.files-1 || w.liveGzip}
	w.offset = 0
	w.dropping = false
	w.plan = w.plans[k]
	w.last = w.last[:0]
	if w.ft.Gzip {
		if w.gz == nil {
			w.gz, err = gzip.NewWriterLevel(w.bw, w.level)
			if err != nil {
				return err
			}
		} else {
			w.gz.Reset(w.bw)
		}
	}
	return nil
}

// line writes one line (adding the newline unless noNL).
func (w *writer) line(b []byte, noNL bool) error {
	if !noNL {
		b = append(b, '\n')
	}
	var err error
	if w.ft.Gzip {
		_, err = w.gz.Write(b)
	} else {
		_, err = w.bw.Write(b)
	}
	w.offset += int64(len(b))
	w.ft.Lines++
	w.t.lines++
	return err
}

// close ends the current file: its pending injections, then the file.
func (w *writer) close() error {
	if w.f == nil {
		return nil
	}
	var err error
	if p := w.plan; p != nil && !w.dropping {
		// Line injections beyond the end of the file: only non-JSON lines can
		// still be added.
		for ln := w.ft.Lines + 1; ; ln++ {
			if p.lines[ln] != badNonJSON {
				break
			}
			err = w.writeNonJSON()
		}
		if p.cut && err == nil {
			half := append([]byte(nil), w.last[:len(w.last)/2]...)
			if len(half) == 0 {
				half = []byte(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","audit`)
			}
			w.bad(badCutLastLine, int64(len(half)), "last line cut off, no newline")
			err = w.line(half, true)
		}
	}
	if w.ft.Gzip && err == nil {
		if w.dropping {
			err = w.gz.Flush()
		} else {
			err = w.gz.Close()
		}
	}
	if err == nil {
		err = w.bw.Flush()
	}
	if w.dropping && err == nil {
		// The stream was cut at the flush point after the last line kept.
		var size int64
		if fi, serr := w.f.Stat(); serr == nil {
			size = fi.Size()
		}
		for i := range w.t.bad {
			if b := &w.t.bad[i]; b.Kind == badTruncatedGzip && b.File == w.ft.Path {
				b.Offset = size
				b.Detail = fmt.Sprintf("gzip stream cut after line %d at compressed byte %d; %s", b.Line, size, b.Detail)
			}
		}
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.t.files = append(w.t.files, w.ft)
	w.f = nil
	return err
}

func (w *writer) bad(kind string, n int64, detail string) {
	w.t.bad = append(w.t.bad, BadLine{Kind: kind, File: w.ft.Path, Line: w.ft.Lines + 1, Offset: w.offset, Bytes: int(n), Detail: detail})
}

func (w *writer) writeNonJSON() error {
	b := nonJSONLine(w.nonJSON, w.start)
	w.nonJSON++
	w.bad(badNames[badNonJSON], int64(len(b)), "not a JSON event")
	return w.line(b, false)
}

// write writes one event, rotating files by its stageTimestamp.
func (w *writer) write(e *event) error {
	k := int(min(max((e.at-w.start)/w.slot, 0), int64(w.files-1)))
	for w.cur < k {
		if err := w.close(); err != nil {
			return err
		}
		if err := w.open(w.cur + 1); err != nil {
			return err
		}
	}
	if w.dropping {
		return nil
	}
	kind := badNone
	if p := w.plan; p != nil {
		for p.lines[w.ft.Lines+1] == badNonJSON {
			if err := w.writeNonJSON(); err != nil {
				return err
			}
		}
		kind = p.lines[w.ft.Lines+1]
	}
	b := w.buf[:0]
	switch kind {
	case badHostPrefix:
		b = append(b, w.node...)
		b = append(b, ' ')
	case badHugeLine:
		e.huge = w.hugeBytes
	}
	b = e.appendEvent(b, w.g.cat)
	e.huge = 0
	switch kind {
	case badHostPrefix:
		w.bad(badNames[kind], int64(len(b)), "event prefixed with host name "+w.node)
	case badInvalidUTF8:
		const key = `"userAgent":"`
		if i := bytes.Index(b, []byte(key)); i >= 0 {
			i += len(key)
			b = append(b[:i], append([]byte("\xff\xfe"), b[i:]...)...)
			w.bad(badNames[kind], int64(len(b)), "userAgent holds the bytes ff fe, not UTF-8")
		}
	case badHugeLine:
		w.bad(badNames[kind], int64(len(b)), fmt.Sprintf("valid event of %d bytes", len(b)))
	}
	w.buf = b
	w.last = append(w.last[:0], b...)
	if err := w.line(b, false); err != nil {
		return err
	}
	w.ft.Events++
	w.t.events++
	w.t.stages[e.stage]++
	if e.stage == stageResponseComplete {
		if w.server == serverKube {
			w.t.count(e, w.g)
		} else {
			w.t.requests++
			if w.g.cfg.Proxied && e.b.res != nil {
				w.t.proxied++
			}
		}
		if e.b == w.g.deletion {
			w.t.podDelete = &PodDeleteTruth{
				Username: e.user().username, Namespace: e.ns, Pod: e.name,
				Time: time.UnixMicro(e.recv).UTC(), AuditID: string(appendUUID(nil, e.idHi, e.idLo)),
				File: w.ft.Path, Line: w.ft.Lines,
			}
		}
	}
	if p := w.plan; p != nil && p.truncateAfter > 0 && w.ft.Lines == p.truncateAfter {
		w.t.bad = append(w.t.bad, BadLine{Kind: badTruncatedGzip, File: w.ft.Path, Line: w.ft.Lines, Detail: "the rest of the file is lost"})
		w.dropping = true
	}
	return nil
}
