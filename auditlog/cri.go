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
// F, and records of the other stream may come between them. The splitter
// joins the parts of a line back (criJoiner) before the decoder sees
// them; whole records are left as they are, their prefix stripped by the
// decoder (stripPrefix).

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
// first part of a line until every line begun is whole, so that a block
// never ends inside a line, and joins the parts of each line.
type criJoiner struct {
	open [criStreams]bool // the streams with a line begun and not ended
	held []byte           // whole records after the last point where no line was open
	// partial says whether held or the lines scanned since the last
	// point hold a part (P).
	partial bool
	// dropping are the streams whose line was let go as too long: their
	// records are let go up to the line's last.
	dropping [criStreams]bool
}

// drop returns data with the records of the lines being let go made empty
// lines, up to and including each one's last record.
func (j *criJoiner) drop(data []byte) []byte {
	if j.dropping == [criStreams]bool{} {
		return data
	}
	out := make([]byte, 0, len(data))
	for line := range bytes.Lines(data) {
		record, nl := bytes.CutSuffix(line, []byte("\n"))
		stream, partial, _, ok := criRecord(record)
		if !ok || !j.dropping[stream] {
			out = append(out, line...)
			continue
		}
		j.dropping[stream] = partial
		if nl {
			out = append(out, '\n')
		}
	}
	return out
}

// cut scans the whole records of lines (each ending in a newline, in file
// order) and returns the length of their beginning after which no line is
// open, 0 when there is none; it keeps the state at the end of lines.
func (j *criJoiner) cut(lines []byte) int {
	safe, end := 0, 0
	for line := range bytes.Lines(lines) {
		record, nl := bytes.CutSuffix(line, []byte("\n"))
		if !nl {
			break
		}
		end += len(line)
		if stream, partial, _, ok := criRecord(record); ok {
			j.open[stream] = partial
			j.partial = j.partial || partial
		}
		if j.open == [criStreams]bool{} {
			safe = end
		}
	}
	return safe
}

// joinCRI returns data, records of a container runtime log, with the parts
// of each line joined: a line's content takes the place of its last
// record, and each part before it becomes an empty line, so that lines
// keep their numbers (the number of a joined line is its last record's).
func joinCRI(data []byte) []byte {
	var out []byte
	var parts [criStreams][]byte
	var lastPart [criStreams]int // where in out the newline of a stream's last part is
	for line := range bytes.Lines(data) {
		// A part's content is taken as it is, spaces included: the
		// newline alone is the runtime's.
		record, nl := bytes.CutSuffix(line, []byte("\n"))
		stream, partial, content, ok := criRecord(record)
		switch {
		case !ok:
			out = append(out, line...)
		case partial:
			parts[stream] = append(parts[stream], content...)
			lastPart[stream] = len(out)
			if nl {
				out = append(out, '\n')
			}
		case parts[stream] != nil:
			out = append(append(out, parts[stream]...), content...)
			if nl {
				out = append(out, '\n')
			}
			parts[stream] = nil
		default:
			out = append(out, line...)
		}
	}
	// A line whose last part never came (the input ends): its parts so
	// far, in place of the last, for the decoder to report cut off.
	// The later place first, so that the earlier stays where it is.
	order := [criStreams]int{criStdout, criStderr}
	if lastPart[criStdout] < lastPart[criStderr] {
		order = [criStreams]int{criStderr, criStdout}
	}
	for _, stream := range order {
		if p := parts[stream]; p != nil {
			i := lastPart[stream]
			tail := append(p[:len(p):len(p)], out[i:]...)
			out = append(out[:i], tail...)
		}
	}
	return out
}
