package auditlog

import (
	"errors"
	"fmt"
	"strconv"
	"unsafe"
)

// place is where a value was read: its line, and for a value of a JSON
// document or an item of a wrapper, its byte offset and path
// ("records[3]").
type place struct {
	line   int64
	offset int64
	path   string
}

// item returns the place of the index-th item of the container member in
// of the value at p.
func (p place) item(in string, index int) place {
	p.path += in + "[" + strconv.Itoa(index) + "]"
	return p
}

// maxWrap is the deepest nesting of wrappers unwrapped: an array of AKS
// exports of records holding events as strings is three.
const maxWrap = 4

// wrapKey is a member of a wrapper object that the reader looks at.
type wrapKey int

const (
	keyRecords wrapKey = iota
	keyItems
	keyEvents
	keyLogEvents
	keyProperties
	keyAtMessage
	keyMessage
	keyLog
	keyProtoPayload
	keyJSONPayload
	keyCategory
	keyTimestamp
	keyLabels
	keyOperation
	keyInsertID
	numWrapKeys
)

var wrapKeys = [numWrapKeys]string{
	"records", "items", "events", "logEvents", "properties", "@message", "message", "log",
	"protoPayload", "jsonPayload", "category", "timestamp", "labels", "operation", "insertId",
}

// wrapper is a JSON value that is not an event, with the members a reader
// looks at to find the events it wraps.
type wrapper struct {
	data []byte
	text string // data as a string that never changes, or ""
	// s scans data, classified once; scanner positions it at a member.
	s scanner
	// array is data when it is a JSON array.
	array   []byte
	members [numWrapKeys][]byte
	err     error // a syntax error met while reading the members
}

// readWrapper reads the top-level members of data, an object or array.
// Their values are found by their brackets and quotes, not checked: what
// is read of them later is.
func readWrapper(data []byte, text string) *wrapper {
	w := &wrapper{data: data, text: text}
	w.s.reset(data, text)
	s := &w.s
	switch s.ws() {
	case '[':
		w.array = data
		return w
	case '{':
	default:
		return w
	}
	w.err = s.object(0, func(key []byte) error {
		for k, name := range wrapKeys {
			if string(key) == name {
				span, err := fastSpan(s, 1)
				w.members[k] = span
				return err
			}
		}
		return s.skipValue(1)
	})
	return w
}

// fastSpan consumes one value, found by its brackets and quotes, and
// returns its bytes.
func fastSpan(s *scanner, depth int) ([]byte, error) {
	s.ws()
	start := s.pos
	if err := s.skipValue(depth); err != nil {
		return nil, err
	}
	return s.data[start:s.pos], nil
}

// scanner returns w's scanner at span, a part of w's data. The scanner is
// w's own: one use at a time.
func (w *wrapper) scanner(span []byte) *scanner {
	w.s.pos = cap(w.data) - cap(span)
	return &w.s
}

// sub returns span, a part of w.data, as a part of w.text ("" if w has
// none).
func (w *wrapper) sub(span []byte) string {
	if w.text == "" || len(span) == 0 {
		return ""
	}
	start := cap(w.data) - cap(span)
	return w.text[start : start+len(span)]
}

// str returns the member k when it is a JSON string, unescaped.
func (w *wrapper) str(k wrapKey) (string, bool) {
	span := w.members[k]
	if len(span) == 0 || span[0] != '"' {
		return "", false
	}
	v, err := w.scanner(span).string()
	return v, err == nil
}

// isTypeError reports whether err says valid JSON does not fit an Event.
func isTypeError(err error) bool {
	var te *typeError
	return errors.As(err, &te)
}

// values decodes the values of a block of a JSON document.
func (ld *lineDecoder) values(b *block, add func(*Entry) bool) bool {
	for i := range b.values {
		v := &b.values[i]
		data := b.data[v.start:v.end]
		if !ld.value(b, data, b.textOf(data), v.place(), b.src.Node, v.shape, 0, add) {
			return false
		}
	}
	return true
}

// value decodes one whole JSON value: an event, or a wrapper of events.
// text is data as a string that never changes, or "". shape is the least
// shape of the events found; depth counts the wrappers around data.
func (ld *lineDecoder) value(b *block, data []byte, text string, at place, node string, shape Shape, depth int, add func(*Entry) bool) bool {
	ev := ld.next()
	err := ld.dec.decode(data, text, ev)
	switch {
	case err == nil && (ev.AuditID != "" || ev.Kind == "Event"):
		return ld.emitAt(b, at, node, shape, add)
	case err != nil && !isTypeError(err):
		ld.rejectAt(BadJSON, b, at, err.Error())
		return true
	}
	return ld.unwrap(b, data, text, at, node, shape, depth, err, add)
}

// emitAt hands on the decoded event, read at a place in a shape.
func (ld *lineDecoder) emitAt(b *block, at place, node string, shape Shape, add func(*Entry) bool) bool {
	if shape != ShapeLines {
		ld.wrapped[shape]++
	}
	return ld.emit(b, at.line, node, false, add)
}

// unwrap reads data, JSON that is not an event, as a wrapper of events:
// an array of them, a container member of them (records, items, events,
// logEvents), or a record holding one (see Shape). What holds no event is
// counted: as BadJSON with decodeErr when the decoder could not fit data
// into an Event, else as NotEvent.
func (ld *lineDecoder) unwrap(b *block, data []byte, text string, at place, node string, shape Shape, depth int, decodeErr error, add func(*Entry) bool) bool {
	// What data's decode left for later is no event's: the events are
	// inside (and those decoded there leave their own).
	ld.dec.later.pending = 0
	reject := func(detail string) bool {
		if decodeErr != nil {
			ld.rejectAt(BadJSON, b, at, decodeErr.Error())
		} else {
			ld.rejectAt(NotEvent, b, at, detail)
		}
		return true
	}
	if depth >= maxWrap {
		return reject("wrappers nested too deep")
	}
	w := readWrapper(data, text)
	m := &w.members
	switch {
	case w.array != nil:
		return ld.items(b, w, w.array, at, "", node, max(shape, ShapeArray), depth, add)
	case m[keyProtoPayload] != nil:
		return ld.cloudLogging(b, w, at, node, depth, add)
	case m[keyJSONPayload] != nil:
		return ld.inner(b, w, m[keyJSONPayload], "jsonPayload", at, node, max(shape, ShapeCloudLogging), depth, add)
	case m[keyProperties] != nil:
		return ld.aks(b, w, at, node, depth, add)
	case m[keyAtMessage] != nil:
		return ld.inner(b, w, m[keyAtMessage], "@message", at, node, max(shape, ShapeCloudWatch), depth, add)
	case m[keyMessage] != nil:
		return ld.inner(b, w, m[keyMessage], "message", at, node, max(shape, ShapeCloudWatch), depth, add)
	case m[keyLog] != nil:
		return ld.inner(b, w, m[keyLog], "log", at, node, max(shape, ShapeContainerLog), depth, add)
	}
	for _, k := range []wrapKey{keyRecords, keyItems, keyEvents, keyLogEvents} {
		if span := m[k]; len(span) > 0 && span[0] == '[' {
			s, _ := containerShape([]byte(wrapKeys[k]))
			return ld.items(b, w, span, at, wrapKeys[k], node, max(shape, s), depth, add)
		}
	}
	if w.err != nil && decodeErr == nil {
		ld.rejectAt(BadJSON, b, at, w.err.Error())
		return true
	}
	return reject("no auditID and kind is not Event")
}

// items reads every item of arr, an array in w, as a value of its own.
func (ld *lineDecoder) items(b *block, w *wrapper, arr []byte, at place, in string, node string, shape Shape, depth int, add func(*Entry) bool) bool {
	s := w.scanner(arr)
	index := 0
	keepGoing := true
	err := s.array(0, func() error {
		start := s.pos
		if err := s.skipValue(1); err != nil {
			return err
		}
		if keepGoing {
			item := s.data[start:s.pos]
			keepGoing = ld.value(b, item, w.sub(item), at.item(in, index), node, shape, depth+1, add)
		}
		index++
		return nil
	})
	if err != nil && keepGoing {
		ld.rejectAt(BadJSON, b, at.item(in, index), err.Error())
	}
	return keepGoing
}

// inner reads the value that member name of w holds, span: an object, or
// a string holding JSON text.
func (ld *lineDecoder) inner(b *block, w *wrapper, span []byte, name string, at place, node string, shape Shape, depth int, add func(*Entry) bool) bool {
	switch span[0] {
	case '{', '[':
		return ld.value(b, span, w.sub(span), at, node, shape, depth+1, add)
	case '"':
	default:
		ld.rejectAt(NotEvent, b, at, name+" holds no JSON object")
		return true
	}
	// The event's strings will point into this copy, which never changes.
	data, err := unquotedCopy(w.scanner(span))
	if err != nil {
		ld.rejectAt(BadJSON, b, at, err.Error())
		return true
	}
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i == len(data) || data[i] != '{' && data[i] != '[' {
		ld.rejectAt(NotEvent, b, at, name+" holds no JSON object")
		return true
	}
	return ld.value(b, data, unsafe.String(unsafe.SliceData(data), len(data)), at, node, shape, depth+1, add)
}

// aks reads an Azure Monitor diagnostic record: the event is in
// properties.log when the category is kube-audit or kube-audit-admin (or
// not given).
func (ld *lineDecoder) aks(b *block, w *wrapper, at place, node string, depth int, add func(*Entry) bool) bool {
	if cat, ok := w.str(keyCategory); ok && cat != "kube-audit" && cat != "kube-audit-admin" {
		ld.rejectAt(NotEvent, b, at, fmt.Sprintf("Azure Monitor record of category %q, not kube-audit", cat))
		return true
	}
	props := w.members[keyProperties]
	if props[0] != '{' {
		ld.rejectAt(NotEvent, b, at, "Azure Monitor record whose properties are not an object")
		return true
	}
	s := w.scanner(props)
	var log []byte
	err := s.object(1, func(key []byte) error {
		if string(key) == "log" {
			span, err := fastSpan(s, 2)
			log = span
			return err
		}
		return s.skipValue(2)
	})
	switch {
	case err != nil:
		ld.rejectAt(BadJSON, b, at, err.Error())
		return true
	case log == nil:
		ld.rejectAt(NotEvent, b, at, "Azure Monitor record without properties.log")
		return true
	}
	return ld.inner(b, w, log, "properties.log", at, node, ShapeAKS, depth, add)
}

// rejectAt counts a problem at a place.
func (ld *lineDecoder) rejectAt(p Problem, b *block, at place, detail string) {
	ld.rep.add(p, Sample{File: b.src.Path, Line: at.line, Offset: at.offset, Detail: pathPrefix(at.path) + detail, order: b.order})
}

// account adds the events of block b, decoded since the report counted
// before, to its file's report, by shape.
func (ld *lineDecoder) account(b *block, before int64) {
	f := ld.rep.fileAt(b.order, b.src.Path)
	f.Server, f.Node = b.src.Server, b.src.Node
	lines := ld.rep.Events - before
	for s, n := range ld.wrapped {
		f.Events[s] += n
		lines -= n
	}
	f.Events[ShapeLines] += lines
	clear(ld.wrapped[:])
	f.Repeated += ld.repeated
	ld.rep.Repeated += ld.repeated
	ld.repeated = 0
}

// unquotedCopy consumes a string and returns its contents unescaped, in
// memory of their own.
func unquotedCopy(s *scanner) ([]byte, error) {
	start, end, clean, err := s.scanString()
	if err != nil {
		return nil, err
	}
	raw := s.data[start:end]
	if clean {
		return append([]byte(nil), raw...), nil
	}
	return unquote(make([]byte, 0, len(raw)), raw), nil
}
