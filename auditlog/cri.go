package auditlog

import "bytes"

// Container runtime logs. An API server that writes its audit log to
// standard output (--audit-log-path=-) has it stored by the container
// runtime (/var/log/pods/..., /var/log/containers/...) one record a line:
//
//	TIME STREAM TAG CONTENT
//
// with STREAM stdout or stderr, and TAG F for a whole line or P for a
// part of one: a line longer than the runtime's limit (16 KiB by default
// in containerd and CRI-O) is cut into records tagged P, the last tagged
// F, and records of stderr may come between them. The splitter joins the
// parts of a line back (criJoiner) before the decoder sees them, and
// passes stderr over; whole records are left as they are, their prefix
// stripped by the decoder (stripPrefix).

// Streams of a container runtime log.
const (
	criStdout = iota
	criStderr
	criStreams
)

// criRecord parses a record of a container runtime log: its stream, whether
// it is a part of a line (tag P) and its content. ok is false for a line
// that is no such record.
func criRecord(line []byte) (stream int, partial bool, content []byte, ok bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 || !criTime(line[:sp]) {
		return 0, false, nil, false
	}
	rest := line[sp+1:]
	switch {
	case bytes.HasPrefix(rest, []byte("stdout ")):
		stream = criStdout
	case bytes.HasPrefix(rest, []byte("stderr ")):
		stream = criStderr
	default:
		return 0, false, nil, false
	}
	rest = rest[len("stdout "):]
	// The tag is P or F, then other flags after colons (none defined yet).
	end := bytes.IndexByte(rest, ' ')
	if end < 0 {
		end = len(rest) // an empty line of the container
	}
	tag, _, _ := bytes.Cut(rest[:end], []byte(":"))
	switch string(tag) {
	case "P":
		partial = true
	case "F":
	default:
		return 0, false, nil, false
	}
	if end < len(rest) {
		content = rest[end+1:]
	}
	return stream, partial, content, true
}

// criTime reports whether t looks like the RFC 3339 time that starts a
// record.
func criTime(t []byte) bool {
	if len(t) < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' {
		return false
	}
	for _, c := range t[:4] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isCRI reports whether the first line of b is a record of a container
// runtime log.
func isCRI(b []byte) bool {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	_, _, _, ok := criRecord(trimLineEnd(first))
	return ok
}

// criJoiner holds back the records of a container runtime log from the
// first part of a stdout line until the line is whole, so that a block
// never ends inside a line, and joins the parts of each line. stderr, the
// API server's own log (klog), holds no audit event: its records are
// passed over, and counted.
type criJoiner struct {
	open bool   // a stdout line is begun and not ended
	held []byte // whole records after the last point where no line was open
	// dropping and scanDropping: a line was let go as too long, and its
	// records go up to its last, as join and cut reach them.
	dropping, scanDropping bool
	// stderr is the number of stderr records passed over.
	stderr int64
}

// cut scans the whole records of lines (each ending in a newline, in file
// order) and returns the length of their beginning after which no stdout
// line is open, 0 when there is none; it keeps the state at the end of
// lines.
func (j *criJoiner) cut(lines []byte) int {
	safe, end := 0, 0
	for line := range bytes.Lines(lines) {
		record, nl := bytes.CutSuffix(line, []byte("\n"))
		if !nl {
			break
		}
		end += len(line)
		switch stream, partial, _, ok := criRecord(record); {
		case !ok || stream != criStdout:
		case j.scanDropping:
			j.scanDropping = partial
		default:
			j.open = partial
		}
		if !j.open {
			safe = end
		}
	}
	return safe
}

// join returns data, records of a container runtime log, with the parts of
// each stdout line joined and stderr passed over: a line's content takes
// the place of its last record, and each part before it, each stderr
// record and each record of a line let go becomes an empty line (ended by
// a newline even when the record ends the input without one), so that
// lines keep their numbers and count (the number of a joined line is its
// last record's). A line whose last part never came (the input ends) is its
// parts so far, in place of the last, for the decoder to report cut off.
func (j *criJoiner) join(data []byte) []byte {
	out := make([]byte, 0, len(data))
	var parts []byte
	lastPart := -1 // where in out the newline of the last part is
	for line := range bytes.Lines(data) {
		// A part's content is taken as it is, spaces included: the
		// newline alone is the runtime's.
		record, nl := bytes.CutSuffix(line, []byte("\n"))
		stream, partial, content, ok := criRecord(record)
		switch {
		case !ok:
			out = append(out, line...)
			continue
		case stream == criStderr:
			j.stderr++
			nl = true // an empty line, even the last one, lest it go uncounted
		case j.dropping:
			j.dropping = partial
			nl = true
		case partial:
			parts = append(parts, content...)
			lastPart = len(out)
		case lastPart >= 0:
			n := len(out)
			out = append(append(out, parts...), content...)
			parts, lastPart = parts[:0], -1
			nl = nl || len(out) == n // an empty line is ended, to count
		default:
			out = append(out, line...)
			continue
		}
		if nl {
			out = append(out, '\n')
		}
	}
	if lastPart >= 0 {
		tail := append(parts[:len(parts):len(parts)], out[lastPart:]...)
		if len(tail) == 0 {
			tail = append(tail, '\n') // an empty line is ended, to count
		}
		out = append(out[:lastPart], tail...)
	}
	return out
}
