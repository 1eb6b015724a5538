package format

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// ReportSamples is how many samples of each kind of problem
// WriteReadReport shows when not verbose.
const ReportSamples = 3

// ReportFiles is how many files of note WriteReadReport lists when not
// verbose.
const ReportFiles = 10

// WriteReadReport writes what a reader read and could not read, for
// stderr. When the input spans several API servers (a must-gather root),
// first the servers and nodes read with their event counts, and the
// events counted once (auditlog.Options.EveryCopy says how):
//
//	read 3 API servers:
//	  kube-apiserver       22250 events: ip-10-0-142-86.ec2.internal 7398, ...
//	  openshift-apiserver   2289 events: ...
//
// then the files of note, each with what it held ("aks.json: AKS export:
// 22 events"): files read in a shape other than JSON lines, files with a
// note (a .gz that is plain text), files without events (all of them when
// no file had one); then the reference tool's line, when any line failed,
//
//	had 4 line read failures
//
// then, for every kind of problem found, its count and its first samples
// (file:line: detail), ReportSamples of them, or all the report kept when
// verbose (auditlog.MaxSamples, or every one up to auditlog.AllSamples when
// the reader was asked for them). Skipped files (a must-gather's
// termination and lock logs) are listed only when verbose, which also
// starts with what was read (files, bytes, lines and events), names the
// servers and nodes of any input and lists every file. Last, how many
// entries a time-ordered listing wrote out of order, if any. It writes
// nothing when nothing went wrong, the input is plain JSON lines of one
// server, and verbose is false.
func WriteReadReport(w io.Writer, r *auditlog.Report, verbose bool) error {
	bw := bufio.NewWriter(w)
	if verbose {
		fmt.Fprintf(bw, "read %d files (%d bytes, %d uncompressed): %d lines, %d events\n",
			r.Files, r.CompressedBytes, r.Bytes, r.Lines, r.Events)
	}
	writeServers(bw, r, verbose)
	writeFiles(bw, r, verbose)
	if n := r.Failures(); n > 0 {
		fmt.Fprintf(bw, "had %d line read failures\n", n)
	}
	for _, p := range auditlog.Problems() {
		t := r.Problems[p]
		if t.Count == 0 || p == auditlog.SkippedFile && !verbose {
			continue
		}
		fmt.Fprintf(bw, "%s: %d\n", p, t.Count)
		writeSamples(bw, t.Samples, t.Count, verbose)
	}
	if r.OutOfOrder > 0 {
		fmt.Fprintf(bw, "listed out of time order: %d entries, up to %v late (requests that took longer than the sort window held)\n",
			r.OutOfOrder, r.MaxLateness)
	}
	return bw.Flush()
}

// serverRead is what was read of one API server's logs.
type serverRead struct {
	server   auditlog.Server
	events   int64
	repeated int64
	nodes    []nodeRead
}

type nodeRead struct {
	node   string
	events int64
}

// maxNodes is how many nodes a server's line names.
const maxNodes = 6

// writeServers writes the servers and nodes read, with their event
// counts, when there are several servers, or events were counted once, or
// verbose.
func writeServers(w io.Writer, r *auditlog.Report, verbose bool) {
	var servers []*serverRead
	count := func(server auditlog.Server, node string, events, repeated int64) {
		if server == auditlog.ServerUnknown {
			return
		}
		k := slices.IndexFunc(servers, func(s *serverRead) bool { return s.server == server })
		if k < 0 {
			k = len(servers)
			servers = append(servers, &serverRead{server: server})
		}
		s := servers[k]
		s.events += events
		s.repeated += repeated
		n := slices.IndexFunc(s.nodes, func(n nodeRead) bool { return n.node == node })
		if n < 0 {
			n = len(s.nodes)
			s.nodes = append(s.nodes, nodeRead{node: node})
		}
		s.nodes[n].events += events
	}
	for i := range r.ByFile {
		f := &r.ByFile[i]
		if len(f.Origins) == 0 {
			count(f.Server, f.Node, f.EventCount(), f.Repeated)
		}
		// A Parquet export holds the events of the servers and nodes it
		// was made of.
		for _, o := range f.Origins {
			count(o.Server, o.Node, o.Events, 0)
		}
	}
	if len(servers) == 0 || len(servers) == 1 && r.Repeated == 0 && !verbose {
		return
	}
	fmt.Fprintf(w, "read %d API servers:\n", len(servers))
	width := 0
	for _, s := range servers {
		width = max(width, len(s.server))
	}
	var copies []string
	for _, s := range servers {
		fmt.Fprintf(w, "  %-*s %7d events:", width, Sanitize(string(s.server)), s.events)
		for i, n := range s.nodes {
			if i == maxNodes && !verbose {
				fmt.Fprintf(w, " and %d more nodes", len(s.nodes)-i)
				break
			}
			if i > 0 {
				w.Write([]byte{','})
			}
			name := n.node
			if name == "" {
				name = "(node unknown)"
			}
			fmt.Fprintf(w, " %s %d", Sanitize(name), n.events)
		}
		w.Write([]byte{'\n'})
		if s.repeated > 0 {
			copies = append(copies, fmt.Sprintf("%s of %s", plural(s.repeated, "event", "events"), s.server))
		}
	}
	if len(copies) > 0 {
		fmt.Fprintf(w, "  counted once: %s, requests kube-apiserver logged too (the same auditID), counted as kube-apiserver's\n",
			strings.Join(copies, ", "))
	}
}

// writeFiles lists the files of note (all of them when verbose, or when
// no file had an event), each with what it held.
func writeFiles(w io.Writer, r *auditlog.Report, verbose bool) {
	none := r.Events == 0
	shown := 0
	more := 0
	for i := range r.ByFile {
		f := &r.ByFile[i]
		if !verbose && !none && !ofNote(f) {
			continue
		}
		if !verbose && shown == ReportFiles {
			more++
			continue
		}
		shown++
		name := f.Path
		if name == auditlog.Stdin {
			name = "standard input"
		}
		if len(f.Notes) > 0 {
			name += " (" + strings.Join(f.Notes, "; ") + ")"
		}
		fmt.Fprintf(w, "%s: %s\n", Sanitize(name), f.String())
	}
	if more > 0 {
		fmt.Fprintf(w, "... and %d more files (-v lists them all)\n", more)
	}
}

// ofNote reports whether a file is worth a line of the read report when
// not verbose: read in a shape other than JSON lines (a Parquet export's
// rows are no such shape), with a note, or with no event for a reason
// other than being empty.
func ofNote(f *auditlog.FileReport) bool {
	if len(f.Notes) > 0 {
		return true
	}
	if n := f.EventCount(); n > 0 {
		return f.Format != auditlog.FormatParquet && n != f.Events[auditlog.ShapeLines]
	}
	return f.Verdict() != "empty"
}

// plural writes n and the word for its number.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// writeSamples writes the first samples of count places, ReportSamples of
// them or every one kept when verbose, one a line, then how many more
// there were.
func writeSamples(w io.Writer, samples []auditlog.Sample, count int64, verbose bool) {
	show := min(len(samples), ReportSamples)
	if verbose {
		show = len(samples)
	}
	for _, s := range samples[:show] {
		fmt.Fprintf(w, "  %s\n", Sanitize(s.String()))
	}
	if more := count - int64(show); more > 0 {
		if verbose {
			fmt.Fprintf(w, "  ... and %d more, not kept\n", more)
		} else {
			fmt.Fprintf(w, "  ... and %d more\n", more)
		}
	}
}
