package auditlog

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Problem is a kind of input that could not be read as an audit event, or
// (Repaired) was read in part.
type Problem int

// The kinds of problem a Report counts.
const (
	// BadJSON is a line (or a value of a JSON document) that is not valid
	// JSON (after any host-name or fluentd prefix is removed), or JSON that
	// does not fit an Event.
	BadJSON Problem = iota
	// NotEvent is a JSON object that is not an audit event: it has neither an
	// auditID nor kind "Event", and is no wrapper the reader knows (see
	// Shape), or a wrapper of something else (an AKS record of another
	// category, a Cloud Audit Logs entry of another service).
	NotEvent
	// TooLong is a line longer than Options.MaxLineBytes; it is skipped and
	// reading goes on at the next line.
	TooLong
	// Truncated is a last line cut off by the end of the file or of its
	// compressed stream, or a JSON document cut off inside a value or
	// before its closing bracket.
	Truncated
	// Decompress is a compressed stream that is corrupt or cut short; every
	// event before the damage is read.
	Decompress
	// Unreadable is a file that could not be opened or read, or a
	// Parquet file that export did not write.
	Unreadable
	// BadParquet is a Parquet file written by export that is damaged: its
	// footer (nothing of it is read) or a row group (the rows before the
	// damage, and the other row groups, are read).
	BadParquet
	// SkippedFile is a file in an audit_logs tree that is not an audit log.
	SkippedFile
	// NotCompressed is a file whose name says gzip (.gz) or zstd (.zst)
	// but whose bytes are neither that nor text: it is not read. (A text
	// file with such a name is read as text, and noted in its FileReport.)
	NotCompressed
	// Repaired is an event read with a field left empty: valid JSON whose
	// value does not fit the field (a number for a string, a timestamp
	// that does not parse). The line is an event like any other, whatever
	// fields are decoded; it is counted here only when the field is one
	// that was decoded.
	Repaired

	numProblems
)

var problemNames = [numProblems]string{
	"bad JSON", "not an audit event", "line too long", "truncated line",
	"decompression error", "unreadable file", "damaged Parquet", "skipped file", "not compressed as named", "repaired event",
}

// String names the problem in a few words.
func (p Problem) String() string {
	if p < 0 || p >= numProblems {
		return fmt.Sprintf("Problem(%d)", int(p))
	}
	return problemNames[p]
}

// Problems lists every kind of problem, in order.
func Problems() []Problem {
	ps := make([]Problem, numProblems)
	for i := range ps {
		ps[i] = Problem(i)
	}
	return ps
}

// MaxSamples is how many samples a Report keeps of each kind of problem,
// unless Options.Samples says otherwise.
const MaxSamples = 5

// AllSamples, as Options.Samples, keeps every sample (for a verbose
// report) up to a bound that keeps memory modest: 10,000 of each kind, a
// few megabytes at most.
const AllSamples = 10000

// Sample is one place where a problem was found.
type Sample struct {
	// File is the path of the source file.
	File string
	// Line is the line number in the uncompressed file; 0 when the problem
	// is not about a line (a skipped or unreadable file).
	Line int64
	// Offset is a byte offset: in the compressed file for Decompress, in
	// the uncompressed file otherwise.
	Offset int64
	// Detail says what was wrong, in a few words.
	Detail string

	order int // the source's position in the read order, to keep the first samples
}

// String formats the sample as file:line: detail, with the byte offset
// when the sample has both (file:line (byte N): detail, a value of a JSON
// document that may be one long line).
func (s Sample) String() string {
	switch {
	case s.Line > 0 && s.Offset > 0:
		return fmt.Sprintf("%s:%d (byte %d): %s", s.File, s.Line, s.Offset, s.Detail)
	case s.Line > 0:
		return fmt.Sprintf("%s:%d: %s", s.File, s.Line, s.Detail)
	case s.Offset > 0:
		return fmt.Sprintf("%s: at byte %d: %s", s.File, s.Offset, s.Detail)
	default:
		return fmt.Sprintf("%s: %s", s.File, s.Detail)
	}
}

// Tally counts one kind of problem and keeps the first few samples of it
// (first in source order and line order, whatever the number of workers).
type Tally struct {
	Count   int64
	Samples []Sample
}

// Report says what a Reader read: how much, and every line or file it could
// not use, by kind.
type Report struct {
	// Files is the number of files opened.
	Files int
	// CompressedBytes is the number of bytes read from files.
	CompressedBytes int64
	// Bytes is the number of uncompressed bytes read.
	Bytes int64
	// Lines is the number of lines read, blank ones included.
	Lines int64
	// Events is the number of events decoded, whether or not Keep
	// accepted them.
	Events int64
	// Repeated is the number of events of aggregated API servers dropped
	// as copies of requests kube-apiserver logged (Options.CountOnce).
	Repeated int64
	// Problems counts the lines and files that could not be used, by kind.
	Problems [numProblems]Tally
	// ByFile says, for every file read (or that could not be), in read
	// order, what it held: events by shape, or why there were none.
	ByFile []FileReport
	// OutOfOrder is the number of entries Reader.Sorted yielded after an
	// entry received later than they were: requests that took longer than
	// its window could wait for, or any entry when the window was full.
	OutOfOrder int64
	// MaxLateness is how much earlier than an entry yielded before it the
	// latest of those was received.
	MaxLateness time.Duration

	// keep is how many samples of each kind to keep; 0 means MaxSamples.
	keep int
}

// newReport returns an empty report that keeps keep samples of each kind
// (MaxSamples when keep <= 0).
func newReport(keep int) Report {
	if keep <= 0 {
		keep = MaxSamples
	}
	return Report{keep: keep}
}

// kept is how many samples of each kind r keeps.
func (r *Report) kept() int {
	if r.keep <= 0 {
		return MaxSamples
	}
	return r.keep
}

// Failures is the number of lines that could not be read as events: what
// the reference tool prints as "had N line read failures".
func (r *Report) Failures() int64 {
	return r.Problems[BadJSON].Count + r.Problems[NotEvent].Count +
		r.Problems[TooLong].Count + r.Problems[Truncated].Count
}

// add counts one problem and keeps it as a sample if it is among the first.
func (r *Report) add(p Problem, s Sample) {
	if p != SkippedFile {
		r.fileAt(s.order, s.File).Problems[p]++
	}
	t := &r.Problems[p]
	t.Count++
	if keep := r.kept(); len(t.Samples) < keep || sampleLess(s, t.Samples[len(t.Samples)-1]) {
		t.Samples = insertSample(t.Samples, s, keep)
	}
}

// Merge adds the counts and samples of o to r.
func (r *Report) Merge(o *Report) {
	r.Files += o.Files
	r.CompressedBytes += o.CompressedBytes
	r.Bytes += o.Bytes
	r.Lines += o.Lines
	r.Events += o.Events
	r.Repeated += o.Repeated
	r.OutOfOrder += o.OutOfOrder
	r.MaxLateness = max(r.MaxLateness, o.MaxLateness)
	for p := range r.Problems {
		t := &r.Problems[p]
		t.Count += o.Problems[p].Count
		if len(o.Problems[p].Samples) == 0 {
			continue
		}
		t.Samples = append(t.Samples, o.Problems[p].Samples...)
		slices.SortStableFunc(t.Samples, compareSamples)
		t.Samples = t.Samples[:min(len(t.Samples), r.kept())]
	}
	r.mergeFiles(o)
}

func sampleLess(a, b Sample) bool { return compareSamples(a, b) < 0 }

func compareSamples(a, b Sample) int {
	return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Offset, b.Offset))
}

// insertSample puts s in order and keeps at most keep samples.
func insertSample(samples []Sample, s Sample, keep int) []Sample {
	i, _ := slices.BinarySearchFunc(samples, s, compareSamples)
	if i == len(samples) {
		samples = append(samples, s) // the usual case: samples come in order
	} else {
		samples = slices.Insert(samples, i, s)
	}
	if len(samples) > keep {
		samples = samples[:keep]
	}
	return samples
}
