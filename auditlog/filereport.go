package auditlog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// FileReport says what the reader found in one file: the events of each
// shape, or why there were none.
type FileReport struct {
	// Path is the file's path, as its Source names it.
	Path string
	// Server and Node are its Source's: the API server and the node that
	// wrote it, when its folder and name say.
	Server Server
	Node   string
	// Format is how the file's bytes were read, as their first bytes say:
	// FormatPlain, FormatGzip or FormatZstd.
	Format string
	// Notes are what was odd about the file without stopping its reading:
	// "named .gz, read as plain text", "UTF-8 byte-order mark".
	Notes []string
	// Lines and Bytes are the uncompressed lines and bytes read.
	Lines, Bytes int64
	// Events counts the events read, by the shape they were found in.
	Events [numShapes]int64
	// Problems counts what could not be read, by kind.
	Problems [numProblems]int64
	// Repeated counts the events of the file (an aggregated API server's
	// log) dropped as copies of requests kube-apiserver logged
	// (Options.CountOnce).
	Repeated int64
	// Origins counts, for a file that holds the events of several API
	// servers and nodes (a Parquet export), its events by the server and
	// node that logged them, by server and node; empty for the log of one
	// server (Server and Node).
	Origins []Origin

	order int // the source's position in the read order
}

// Origin is an API server and node, and the events of a file they logged.
type Origin struct {
	// Server is the API server; Node the node it ran on ("" when the
	// export did not know it).
	Server Server
	Node   string
	// Events is the number of the file's events they logged.
	Events int64
}

// addOrigin adds o's events to those of its server and node in origins,
// which it keeps sorted by server and node: the order does not depend on
// which worker read which rows.
func addOrigin(origins []Origin, o Origin) []Origin {
	i, found := slices.BinarySearchFunc(origins, o, func(a, b Origin) int {
		return cmp.Or(cmp.Compare(a.Server, b.Server), cmp.Compare(a.Node, b.Node))
	})
	if found {
		origins[i].Events += o.Events
		return origins
	}
	return slices.Insert(origins, i, o)
}

// EventCount is the number of events read from the file, in every shape,
// or, for a Parquet export, its rows read (counted by Origins).
func (f *FileReport) EventCount() int64 {
	var n int64
	for _, c := range f.Events {
		n += c
	}
	if n == 0 {
		n = f.parquetRows()
	}
	return n
}

// parquetRows is the number of rows read from a Parquet export, which
// counts them by origin only.
func (f *FileReport) parquetRows() int64 {
	var n int64
	for _, o := range f.Origins {
		n += o.Events
	}
	return n
}

// The verdicts of a file that gave no events.
const (
	verdictEmpty      = "empty"
	verdictNotAudit   = "not an audit log"
	verdictUnreadable = "unreadable"
)

// Verdict says in a few words why the file gave no event: "empty", "not
// an audit log", "not gzip" (a file named .gz that is neither gzip nor
// text), "corrupt gzip" (a stream damaged before its first event) or
// "unreadable". It is "" when the file gave events.
func (f *FileReport) Verdict() string {
	switch {
	case f.EventCount() > 0:
		return ""
	case f.Problems[Unreadable] > 0:
		return verdictUnreadable
	case f.Problems[NotCompressed] > 0:
		return "not " + compressedName(f.Path)
	case f.Problems[Decompress] > 0:
		return "corrupt " + f.Format
	case f.Bytes == 0 || f.lineProblems() == 0:
		return verdictEmpty
	}
	return verdictNotAudit
}

// lineProblems is the number of lines or values that could not be read as
// events.
func (f *FileReport) lineProblems() int64 {
	return f.Problems[BadJSON] + f.Problems[NotEvent] + f.Problems[TooLong] + f.Problems[Truncated]
}

// String says what the file held, in the words of the read report: "AKS
// export: 22 events", "JSON lines: 998 events, EventList: 2 events",
// "Parquet export: 300 rows", or
// "no audit events: not an audit log (357 lines of bad JSON)".
func (f *FileReport) String() string {
	var parts []string
	for s, n := range f.Events {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s", Shape(s), plural(n, "event", "events")))
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, ", ")
	}
	if n := f.parquetRows(); n > 0 {
		return "Parquet export: " + plural(n, "row", "rows")
	}
	v := f.Verdict()
	if v == verdictNotAudit {
		var what []string
		for _, w := range []struct {
			p         Problem
			one, many string
		}{
			{BadJSON, "line of bad JSON", "lines of bad JSON"},
			{NotEvent, "JSON value that is no audit event", "JSON values that are no audit events"},
			{TooLong, "line too long", "lines too long"},
			{Truncated, "cut-off line", "cut-off lines"},
		} {
			if n := f.Problems[w.p]; n > 0 {
				what = append(what, plural(n, w.one, w.many))
			}
		}
		v += " (" + strings.Join(what, ", ") + ")"
	}
	return "no audit events: " + v
}

// plural writes n and the word for its number.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// compressedName is the compression a file's name says it has: "gzip" or
// "zstd"; "" for other names.
func compressedName(path string) string {
	switch {
	case strings.HasSuffix(path, ".gz"):
		return FormatGzip
	case strings.HasSuffix(path, ".zst"):
		return FormatZstd
	}
	return ""
}

// fileAt returns the report of the file at position order of the read
// order, adding it if it is not there yet.
func (r *Report) fileAt(order int, path string) *FileReport {
	i, found := slices.BinarySearchFunc(r.ByFile, order, func(f FileReport, o int) int { return f.order - o })
	if !found {
		r.ByFile = slices.Insert(r.ByFile, i, FileReport{Path: path, order: order})
	}
	return &r.ByFile[i]
}

// mergeFiles adds the file reports of o to r's.
func (r *Report) mergeFiles(o *Report) {
	for i := range o.ByFile {
		of := &o.ByFile[i]
		f := r.fileAt(of.order, of.Path)
		if f.Format == "" {
			f.Format = of.Format
		}
		if of.Server != "" || of.Node != "" {
			f.Server, f.Node = of.Server, of.Node
		}
		for _, n := range of.Notes {
			if !slices.Contains(f.Notes, n) {
				f.Notes = append(f.Notes, n)
			}
		}
		f.Lines += of.Lines
		f.Bytes += of.Bytes
		for s := range f.Events {
			f.Events[s] += of.Events[s]
		}
		for p := range f.Problems {
			f.Problems[p] += of.Problems[p]
		}
		f.Repeated += of.Repeated
		for _, o := range of.Origins {
			f.Origins = addOrigin(f.Origins, o)
		}
	}
}

// Err says whether the input held any audit event at all: nil when an
// event was read (whether or not any filter kept it), else a
// *NoEventsError naming the files read and why each gave none.
func (r *Report) Err() error {
	if r.Events > 0 {
		return nil
	}
	return &NoEventsError{Files: slices.Clone(r.ByFile), Skipped: r.Problems[SkippedFile].Count}
}

// NoEventsError is input that held no audit event at all: every file read
// was empty, was not an audit log, or could not be read. A command should
// say so and fail, rather than report that no event matched its filters.
type NoEventsError struct {
	// Files are the files read, each with its Verdict.
	Files []FileReport
	// Skipped is the number of files found and not read (a must-gather's
	// termination and lock logs).
	Skipped int64
}

// Error says how many files were read and why none gave an event: "no
// audit events in 3 files: 2 not audit logs, 1 not gzip", or for one
// file, "no audit events in x.json: not an audit log (3 bad JSON)".
func (e *NoEventsError) Error() string {
	switch len(e.Files) {
	case 0:
		if e.Skipped > 0 {
			return fmt.Sprintf("no audit events: the %s found were skipped", plural(e.Skipped, "file", "files"))
		}
		return "no audit events: no file was read"
	case 1:
		f := &e.Files[0]
		name := f.Path
		if name == Stdin {
			name = "standard input"
		}
		return fmt.Sprintf("no audit events in %s: %s", name, strings.TrimPrefix(f.String(), "no audit events: "))
	}
	var order []string
	counts := map[string]int64{}
	for i := range e.Files {
		v := e.Files[i].Verdict()
		if counts[v] == 0 {
			order = append(order, v)
		}
		counts[v]++
	}
	slices.SortStableFunc(order, func(a, b string) int { return int(counts[b] - counts[a]) })
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[v], verdictPlural(v, counts[v]))
	}
	return fmt.Sprintf("no audit events in %d files: %s", len(e.Files), strings.Join(parts, ", "))
}

// verdictPlural is a verdict for n files.
func verdictPlural(v string, n int64) string {
	if n > 1 && v == verdictNotAudit {
		return "not audit logs"
	}
	return v
}

// account adds to the file's report its format and the lines and bytes
// read since the report said lines and bytes.
func (sp *splitter) account(f *File, lines, bytes int64) {
	fr := sp.rep.fileAt(sp.order, sp.src.Path)
	fr.Format, fr.Server, fr.Node = f.Format(), sp.src.Server, sp.src.Node
	fr.Lines += sp.rep.Lines - lines
	fr.Bytes += sp.rep.Bytes - bytes
}
