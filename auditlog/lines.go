package auditlog

import (
	"bytes"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// maxPrefix is the longest line prefix (host name, fluentd time and tag)
// stripped before the JSON object.
const maxPrefix = 512

// lineDecoder turns the lines of blocks into entries. Each worker has one.
type lineDecoder struct {
	dec    *decoder
	fields Fields
	rep    *Report
	ev     *auditv1.Event
	entry  *Entry
	// fresh says every entry gets an event and an entry of its own, which
	// the receiver may keep; otherwise one event and entry are reused.
	fresh   bool
	keep    func(*Entry) bool
	maxLine int
	// pq decodes Parquet row groups, once there is one to decode, reading
	// the columns of the fields asked for.
	pq    *parquetDecoder
	asked Fields
	// since and until are Options.Since and Options.Until.
	since, until time.Time
	// wrapped counts the events of the current block found in a shape
	// other than ShapeLines (see account).
	wrapped [numShapes]int64
	// once, when not nil, drops the second copy of a request (CountOnce);
	// repeated counts the current block's events it dropped.
	once     *countOnce
	repeated int64
	// lineLen is the length of the line last decoded.
	lineLen int
	// ring, when not nil, is the events and entries emitted in turn to
	// batch, slot the one the next line is decoded into: the entries of
	// batch are in the slots before it, and it is flushed to batchSink
	// when they are all in use (see batchTo).
	ring      []ringSlot
	slot      int
	batch     []*Entry
	batchSink BatchSink
}

// ringSize is the most entries a batch holds.
const ringSize = 64

// ringSlot is what an entry held in a batch keeps of its own: its event,
// and what its reader left for later.
type ringSlot struct {
	ev    auditv1.Event
	entry Entry
	later laterMembers
}

// batchTo makes ld hand the entries of the lines of its blocks to bs in
// batches (BatchSink), flushed when ringSize are held, before an entry
// that is not batched (of a wrapper, of Parquet) and at the end of each
// block (endBlock, which the reader calls).
func (ld *lineDecoder) batchTo(bs BatchSink) {
	ld.ring, ld.batchSink = make([]ringSlot, ringSize), bs
	ld.batch = make([]*Entry, 0, ringSize)
	ld.slot = 0
	ld.ev, ld.entry = &ld.ring[0].ev, &ld.ring[0].entry
}

// flush hands the entries held to the batch sink.
func (ld *lineDecoder) flush() {
	if len(ld.batch) == 0 {
		return
	}
	ld.batchSink.AddBatch(ld.batch)
	clear(ld.batch)
	ld.batch = ld.batch[:0]
}

// endBlock hands the entries held to the batch sink at the end of block
// b, whose lines they point into; when b's buffer is not one the reader
// reuses (a block of lines longer than a block's usual size), the ring
// lets go of what its slots held of it too, so that the ring does not
// keep up to ringSize such buffers alive.
func (ld *lineDecoder) endBlock(b *block) {
	if ld.ring == nil {
		return
	}
	ld.flush()
	if cap(b.data) == blockSize {
		return
	}
	for i := range ld.ring {
		s := &ld.ring[i]
		ld.dec.spare.recycle(&s.ev)
		s.entry = Entry{}
		s.later = laterMembers{fill: s.later.fill}
	}
}

// hold adds e, the entry of the current slot, to the batch, and moves on
// to the next slot, flushing the batch when it is full (the next slot is
// then its first).
func (ld *lineDecoder) hold(e *Entry) {
	s := &ld.ring[ld.slot]
	if e.later != nil {
		// The decoder's own is the next line's: the entry keeps a copy,
		// which shares the decoder Fill uses.
		e.later.filler()
		s.later = *e.later
		e.later = &s.later
	}
	ld.batch = append(ld.batch, e)
	ld.slot = (ld.slot + 1) % len(ld.ring)
	if len(ld.batch) == len(ld.ring) {
		ld.flush()
	}
	ld.ev, ld.entry = &ld.ring[ld.slot].ev, &ld.ring[ld.slot].entry
}

func newLineDecoder(opts Options, rep *Report, fresh bool) *lineDecoder {
	dec := newDecoder(opts.Fields)
	dec.repair = true
	// Entries that are not fresh live no longer than their block.
	dec.s.shareEscaped = !fresh
	if !fresh {
		dec.later.fields = opts.later()
		dec.fields &^= dec.later.fields
	}
	return &lineDecoder{dec: dec, fields: opts.Fields, rep: rep,
		ev: new(auditv1.Event), entry: new(Entry), fresh: fresh, keep: opts.keeper(), maxLine: opts.MaxLineBytes,
		since: opts.Since, until: opts.Until, asked: opts.asked, once: opts.once}
}

// next readies the event to decode the next line into.
func (ld *lineDecoder) next() *auditv1.Event {
	if ld.fresh {
		*ld.ev = auditv1.Event{}
	} else {
		ld.dec.spare.recycle(ld.ev)
	}
	return ld.ev
}

// block decodes every line of b and hands each event to add. It stops
// early, reporting false, when add does.
func (ld *lineDecoder) block(b *block, add func(*Entry) bool) bool {
	if b.pq != nil {
		return ld.parquet(b, add)
	}
	ld.dec.s.forgetEscaped()
	defer ld.account(b, ld.rep.Events)
	if b.values != nil {
		return ld.values(b, add)
	}
	data := b.data
	lineNo := b.line
	cls := &ld.dec.s.cls
	for len(data) > 0 {
		var line []byte
		last := false
		// With a fast classifier, the pass that finds the line's end
		// classifies it for the decoder.
		if useClassify {
			n, ended := cls.classifyLine(data)
			line, data = data[:n], data[min(n+1, len(data)):]
			last = !ended && b.eof
		} else if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
			last = b.eof
		}
		if !ld.line(b, line, lineNo, last, useClassify, add) {
			return false
		}
		lineNo++
	}
	return true
}

// line decodes one line. unterminated says it is a last line without a
// newline: if it is not a whole event, it was cut off. classified says
// the decoder's bitmap is the line's (classes.classifyLine).
func (ld *lineDecoder) line(b *block, line []byte, lineNo int64, unterminated, classified bool, add func(*Entry) bool) bool {
	line = trimLineEnd(line)
	ld.lineLen = len(line)
	node := b.src.Node
	if len(line) == 0 {
		return true
	}
	if len(line) > ld.maxLine {
		// The splitter skips lines longer than a block; this catches the
		// shorter ones when the limit is below the block size.
		ld.rep.add(TooLong, Sample{File: b.src.Path, Line: lineNo, Detail: "line longer than the limit", order: b.order})
		return true
	}
	if line[0] != '{' {
		var host []byte
		var ok bool
		line, host, ok = stripPrefix(line)
		if !ok {
			ld.reject(BadJSON, b, lineNo, false, "not a JSON object")
			return true
		}
		if len(host) > 0 {
			node = string(host)
		}
		classified = false // the JSON starts past the bitmap's start
	}
	ev := ld.next()
	text := b.textOf(line)
	if classified {
		ld.dec.s.cls.truncate(len(line)) // without the line end trimmed
		ld.dec.s.preclassified = true
	}
	if err := ld.dec.decode(line, text, ev); err != nil {
		if isTypeError(err) {
			// Valid JSON that is no Event: a wrapper, perhaps.
			return ld.unwrap(b, line, text, place{line: lineNo}, node, ShapeLines, 0, err, add)
		}
		ld.reject(BadJSON, b, lineNo, unterminated && endedEarly(err, line), err.Error())
		return true
	}
	if ev.AuditID == "" && ev.Kind != "Event" {
		return ld.unwrap(b, line, text, place{line: lineNo}, node, ShapeLines, 0, nil, add)
	}
	return ld.emit(b, lineNo, node, true, add)
}

// emit hands on the decoded event if it is an audit event: to the batch
// when ld batches and the event is a line's (batchable), else to add.
func (ld *lineDecoder) emit(b *block, lineNo int64, node string, batchable bool, add func(*Entry) bool) bool {
	ev := ld.ev
	if ev.AuditID == "" && ev.Kind != "Event" {
		ld.reject(NotEvent, b, lineNo, false, "no auditID and kind is not Event")
		return true
	}
	if ts := ld.dec.timestamp; ts != nil && ev.RequestReceivedTimestamp.IsZero() &&
		ld.fields.Has(FieldRequestReceivedTimestamp) && len(ts) > 2 && ts[0] == '"' {
		// v1beta1 events have no requestReceivedTimestamp; their timestamp
		// is when the request reached the API server.
		if t, err := parseLegacyTime(ts[1 : len(ts)-1]); err == nil {
			ev.RequestReceivedTimestamp.Time = t
		}
	}
	ld.rep.Events++
	if err := ld.dec.fixed; err != nil {
		ld.rep.add(Repaired, Sample{File: b.src.Path, Line: lineNo, Detail: err.Error(), order: b.order})
	}
	e := ld.entry
	e.Reset(ev, b.src, lineNo, node)
	if l := &ld.dec.later; l.pending != 0 {
		l.rep, l.where = ld.rep, Sample{File: b.src.Path, Line: lineNo, order: b.order}
		e.later = l
	}
	if ld.keep != nil && !ld.keep(e) {
		return true
	}
	if ld.once != nil && !ld.once.first(e) {
		ld.repeated++
		return true
	}
	if ld.ring != nil {
		if batchable {
			ld.hold(e)
			return true
		}
		ld.flush()
	}
	if ld.fresh {
		ld.ev, ld.entry = new(auditv1.Event), new(Entry)
	}
	return add(e)
}

// trimLineEnd is bytes.TrimRight(b, " \t\r"), without its set-up for
// every line.
func trimLineEnd(b []byte) []byte {
	n := len(b)
	for n > 0 && (b[n-1] == ' ' || b[n-1] == '\t' || b[n-1] == '\r') {
		n--
	}
	return b[:n]
}

// endedEarly reports whether err says the JSON text ended before the
// value was complete.
func endedEarly(err error, text []byte) bool {
	se, ok := err.(*syntaxError)
	return ok && se.offset >= len(text)
}

func (ld *lineDecoder) reject(p Problem, b *block, lineNo int64, unterminated bool, detail string) {
	if unterminated {
		p, detail = Truncated, "last line cut off: "+detail
	}
	ld.rep.add(p, Sample{File: b.src.Path, Line: lineNo, Detail: detail, order: b.order})
}

// stripPrefix removes what comes before the JSON object of a line: a host
// name and a space (master-0 {...}, as oc adm node-logs writes for several
// nodes), a fluentd time and tag (TIME<TAB>TAG<TAB>{...}), or a timestamp
// and up to two words (see timePrefix). It returns the JSON, the host name
// if there was one, and whether the prefix was one of those.
func stripPrefix(line []byte) (json, host []byte, ok bool) {
	i := bytes.IndexByte(line, '{')
	if i < 0 || i > maxPrefix {
		return line, nil, false
	}
	prefix := line[:i]
	if bytes.ContainsAny(prefix, "\"{}[]") {
		return line, nil, false
	}
	if bytes.IndexByte(prefix, '\t') >= 0 {
		return line[i:], nil, true
	}
	host = bytes.TrimSpace(prefix)
	if len(host) > 0 && prefix[len(prefix)-1] == ' ' && timePrefix(host) {
		return line[i:], nil, true
	}
	if len(host) > 0 && (bytes.IndexByte(host, ' ') >= 0 || prefix[len(prefix)-1] != ' ') {
		return line, nil, false
	}
	return line[i:], host, true
}
