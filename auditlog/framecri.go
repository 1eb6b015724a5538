package auditlog

import "fmt"

// criFramer frames a container runtime log (see cri.go): blocks of whole
// lines as lineFramer cuts them, whose records are joined into the API
// server's lines before the decoder sees them, so that a block never ends
// inside a line.
type criFramer struct {
	lineFramer
	j criJoiner
}

// newCRIFramer returns the framer of a container runtime log.
func newCRIFramer(sp *splitter) *criFramer {
	fr := &criFramer{lineFramer: lineFramer{sp: sp}}
	fr.records = fr
	return fr
}

// take hands data, the whole records read next (first line numbered
// line), to the joiner, and returns what may be decoded now: the records
// held and those of data up to the last point where no line is open,
// joined (criJoiner.join). whole is false when there is none yet: data is
// held. A line that grows past maxLine is counted TooLong and let go.
func (fr *criFramer) take(data []byte, line int64) (out []byte, whole bool) {
	sp, j := fr.sp, &fr.j
	cut := j.cut(data)
	if cut == 0 {
		if len(j.held)+len(data) <= sp.maxLine {
			j.held = append(j.held, data...)
			sp.tellLong(len(data))
			return nil, false
		}
		// The open line is let go, its records made empty lines up to
		// its last; the other records stay.
		sp.rep.add(TooLong, Sample{File: sp.src.Path, Line: line, Detail: "line longer than the limit", order: sp.order})
		all := append(j.held, data...)
		sp.tellLong(-len(j.held))
		j.held, j.open, j.dropping, j.scanDropping = nil, false, true, true
		return fr.take(all, line)
	}
	out = data[:cut]
	if len(j.held) > 0 {
		sp.tellLong(-len(j.held))
		out = append(j.held, out...)
	}
	out = j.join(out)
	j.held = append([]byte(nil), data[cut:]...)
	sp.tellLong(len(j.held))
	return out, true
}

// end returns the last bytes b of the log after what is held, joined, and
// notes in the report the stderr records passed over.
func (fr *criFramer) end(b []byte) []byte {
	sp, j := fr.sp, &fr.j
	if len(j.held) > 0 {
		sp.tellLong(-len(j.held))
	}
	out := j.join(append(j.held, b...))
	rep := sp.rep.fileAt(sp.order, sp.src.Path)
	note := "container runtime log"
	if j.stderr > 0 {
		note += fmt.Sprintf(": %d lines of stderr (the API server's own log) passed over", j.stderr)
	}
	rep.Notes = append(rep.Notes, note)
	return out
}
