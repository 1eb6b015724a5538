package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// utf8BOM is the UTF-8 byte-order mark some editors and Windows tools put
// at the start of a text file.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// layout is how the values of a file are laid out, as its first bytes say.
type layout uint8

const (
	// layoutLines is one value per line: the file is cut into blocks of
	// whole lines, decoded in parallel. Audit logs as API servers write
	// them, and anything not recognised, are read so.
	layoutLines layout = iota
	// layoutDocument is whole JSON documents, one or several, whose values
	// are found by their brackets whatever the lines: a JSON array, a
	// pretty-printed object, an object with a container member (records,
	// items, events, logEvents) whose items are streamed one by one however
	// long its line is.
	layoutDocument
	// layoutSkip is a file not to read (see NotCompressed).
	layoutSkip
	// layoutRefill is a file to read again from its start: its reader now
	// transcodes it (UTF-16 text).
	layoutRefill
	// layoutRowGroups is a Parquet file, read by row groups at offsets:
	// Open tells it by its magic.
	layoutRowGroups
)

// containerShape returns the shape of the events in the items of a
// container member of a JSON document (an array member whose items are
// events or records holding them), and whether key names one.
func containerShape(key []byte) (Shape, bool) {
	switch string(key) {
	case "records":
		return ShapeAKS, true
	case "items":
		return ShapeEventList, true
	case "events", "logEvents":
		return ShapeCloudWatch, true
	}
	return 0, false
}

// errContainer stops the scan of a first value at its first container
// member.
var errContainer = errors.New("container member")

// sniffLayout tells the layout of a file from its first bytes b, which
// hold its first line or as much of it as fitted in a block. The rule is:
//
//   - a file whose first value (after a byte-order mark and white space)
//     is an array, or whose first line is a lone {, is a document;
//   - so is one whose first object spans several lines (pretty-printed),
//     is followed by another value on its line, has a container member
//     whose array starts within b (a huge one-line export), or runs past
//     the end of b after a newline;
//   - anything else is read line by line: a first object alone on its
//     line (JSON lines, whatever each line holds), a first line that
//     starts with a prefix, or is no JSON, or is broken (a JSON-lines log
//     whose first event was cut must not be read as a document), or is
//     too long for b to hold without a container member in view.
//
// It looks at the first line only, or little more: on JSON lines it costs
// one scan of one line per file.
func sniffLayout(b []byte) layout {
	b = bytes.TrimPrefix(b, utf8BOM)
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return layoutLines
	}
	switch b[i] {
	case '[':
		return layoutDocument
	case '{':
	default:
		return layoutLines
	}
	first := b[i:]
	line := first
	if nl := bytes.IndexByte(first, '\n'); nl >= 0 {
		line = first[:nl]
	}
	if len(bytes.TrimSpace(line)) == 1 {
		return layoutDocument // a lone {: pretty-printed
	}
	s := scanner{data: first}
	err := s.object(0, func(key []byte) error {
		if _, ok := containerShape(key); ok && s.ws() == '[' {
			return errContainer
		}
		return s.skipValue(1)
	})
	spans := bytes.IndexByte(first[:min(s.pos, len(first))], '\n') >= 0
	switch {
	case err == errContainer:
		return layoutDocument
	case err != nil:
		// Cut off by the end of b after a newline: a pretty document
		// longer than b. Broken before: a broken first line.
		if spans && endedEarly(err, first) {
			return layoutDocument
		}
		return layoutLines
	case spans:
		return layoutDocument
	}
	rest := first[s.pos:]
	if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	if len(bytes.TrimLeft(rest, " \t\r")) > 0 {
		return layoutDocument // {...}{...}: values one after another
	}
	return layoutLines
}

// looksLikeText reports whether b, the first bytes of a file, look like
// JSON or an audit log's text: a JSON object or array first, or a first
// line that is a prefix and an object (master-0 {...}).
func looksLikeText(b []byte) bool {
	b = bytes.TrimPrefix(b, utf8BOM)
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return true
	}
	if b[0] == '{' || b[0] == '[' {
		return true
	}
	if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
		b = b[:nl]
	}
	_, _, ok := stripPrefix(bytes.TrimRight(b, " \t\r"))
	return ok
}

// sniff looks at the first bytes of the file the splitter reads, b, and
// says how to read it. It makes f read UTF-16 text (with its byte-order
// mark, as Windows PowerShell writes redirected output) as UTF-8, from its
// start again; it blanks out a UTF-8 byte-order mark (three spaces, so
// that every count stays the file's) and notes it, notes a name that says a compression the file does not
// have, and reports a file named .gz or .zst that is neither that nor text
// as NotCompressed, not to be read.
func (sp *splitter) sniff(f *File, b []byte) layout {
	fr := sp.rep.fileAt(sp.order, sp.src.Path)
	fr.Format = f.Format()
	if named := compressedName(sp.src.Path); named != "" && named != f.Format() {
		if f.Format() == FormatPlain && !looksLikeText(b) {
			sp.rep.add(NotCompressed, Sample{File: sp.src.Path, order: sp.order,
				Detail: fmt.Sprintf("named .%s but neither %s nor text (starts with % x)", extOf(named), named, b[:min(len(b), 4)])})
			return layoutSkip
		}
		fr.Notes = append(fr.Notes, fmt.Sprintf("named .%s, read as %s", extOf(named), readAs(f.Format())))
	}
	if big := bytes.HasPrefix(b, utf16BE); big || bytes.HasPrefix(b, utf16LE) {
		f.r = newUTF16Reader(io.MultiReader(bytes.NewReader(bytes.Clone(b)), f.r), big)
		f.err = nil
		sp.rep.Bytes -= int64(len(b)) // counted again as UTF-8
		fr.Notes = append(fr.Notes, "UTF-16 text, read as UTF-8")
		return layoutRefill
	}
	if bytes.HasPrefix(b, utf8BOM) {
		copy(b, "   ")
		fr.Notes = append(fr.Notes, "UTF-8 byte-order mark")
	}
	return sniffLayout(b)
}

// extOf is the file name extension of a compression format.
func extOf(format string) string {
	if format == FormatZstd {
		return "zst"
	}
	return "gz"
}

// readAs says how a file of a format is read, for a note.
func readAs(format string) string {
	if format == FormatPlain {
		return "plain text"
	}
	return format
}

// timePrefix reports whether the words before a line's JSON are a
// timestamp and at most two more words: CloudWatch Logs exports to S3
// (TIME {...}), aws logs tail (TIME STREAM {...}), and container runtime
// logs (TIME stdout F {...}).
func timePrefix(words []byte) bool {
	f := bytes.Fields(words)
	if len(f) == 0 || len(f) > 3 {
		return false
	}
	t := f[0]
	if len(t) < 16 || t[4] != '-' || t[7] != '-' || t[10] != 'T' && t[10] != ' ' {
		return false
	}
	for _, c := range t[:4] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
