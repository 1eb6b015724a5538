package format

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/auditlens/auditlens/auditlog"
)

// ListStyle is a way of listing entries one by one.
type ListStyle int

// The listing styles of the reference tool.
const (
	// ListDefault is one line per event (no -o):
	// "HH:MM:SS [  VERB][    duration] [code]\t URI\t [user]"; the
	// duration of an event without stageTimestamp is "unknown".
	ListDefault ListStyle = iota
	// ListWide adds the auditID after the time (-o wide):
	// "HH:MM:SS (auditID) [VERB][duration] [code]\t URI\t [user]".
	ListWide
	// ListJSON writes every event as one line of JSON (-o json), encoded by
	// encoding/json as the reference does, with C1 controls and
	// bidirectional overrides and isolates escaped as well (\u009b,
	// \u202e), so that a terminal shows what the log holds.
	ListJSON
)

// Fields is the set of event fields a listing in this style writes, for
// the reader to decode.
func (s ListStyle) Fields() auditlog.Fields {
	switch s {
	case ListJSON:
		return auditlog.FieldsAll
	case ListWide:
		return listFields | auditlog.FieldAuditID
	}
	return listFields
}

// listFields are the fields of a line of the default listing.
const listFields = auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp | auditlog.FieldVerb |
	auditlog.FieldResponseCode | auditlog.FieldRequestURI | auditlog.FieldUser

// listBlock is how many lines a text Listing aligns together. The
// reference aligned the columns of its whole output, which needs the whole
// output in memory; a Listing aligns each block of listBlock lines (and
// whatever is left at Flush) on its own, so that its memory stays bounded.
// Outputs of up to listBlock lines are byte for byte the reference's.
const listBlock = 4096

// Listing writes entries one at a time in a ListStyle. Call Flush when
// done. A Listing is not safe for concurrent use.
//
// Its text lines give the time of day only (HH:MM:SS, UTC), as the
// reference's do. When the listed events span more than one UTC day, a
// line marks where a day begins, between the last event of a day and the
// first of the next:
//
//	--- 2022-02-07 ends, 2022-02-08 begins (UTC) ---
//
// so that a listing within one day is the reference's, and any other says
// each line's date, as it streams (the listing's span is known only at its
// end). An event out of order by a day (a long request the time-ordered
// reader put after its day ended) gives its date on its own line:
// "2022-02-07 23:59:58".
type Listing struct {
	style ListStyle
	bw    *bufio.Writer
	enc   *json.Encoder
	lines int
	day   int64 // the UTC day of the lines, in days since 1970; noDay before the first
	// block holds the text lines not written yet, cells holds where
	// their cells end, and widths the widest of each aligned column.
	block  []byte
	cells  []listCells
	widths [2]int
}

// listCells are where a text line's cells end in Listing.block: the
// time, verb, latency and code, then the request URI, which the block's
// lines align (each a column), then the user; and the first two cells'
// widths in runes.
type listCells struct {
	end0, end1, end2 int
	w0, w1           int
}

// listMinWidth is the least width of an aligned column: the reference's
// text/tabwriter cells are at least 20 wide, with no padding, spaces,
// and empty columns dropped (a listing's never are).
const listMinWidth = 20

// noDay is a Listing's day before its first dated line.
const noDay = math.MinInt64

// NewListing returns a Listing that writes to w.
func NewListing(w io.Writer, style ListStyle) *Listing {
	l := &Listing{style: style, bw: bufio.NewWriterSize(w, 64<<10), day: noDay}
	if style == ListJSON {
		l.enc = json.NewEncoder(&jsonSafe{w: l.bw})
	}
	return l
}

// Write writes one entry. The entry is not kept after Write returns.
func (l *Listing) Write(e *auditlog.Entry) error {
	if l.style == ListJSON {
		return l.enc.Encode(e.Event)
	}
	ev := e.Event
	code := int32(0)
	if ev.ResponseStatus != nil {
		code = ev.ResponseStatus.Code
	}
	t := ev.RequestReceivedTimestamp.UTC()
	layout := "15:04:05"
	if !t.IsZero() {
		switch day := t.Unix() / secondsPerDay; {
		case l.day == noDay:
			l.day = day
		case day > l.day:
			// A line of one cell: the lines before it are aligned
			// apart from those after it, as the reference's tabwriter
			// flushes at such a line.
			if err := l.flushBlock(); err != nil {
				return err
			}
			d := time.Unix(l.day*secondsPerDay, 0).UTC().AppendFormat(append(l.block[:0], "--- "...), "2006-01-02")
			d = t.AppendFormat(append(d, " ends, "...), "2006-01-02")
			l.block = append(d, " begins (UTC) ---\n"...)
			if _, err := l.bw.Write(l.block); err != nil {
				return err
			}
			l.block = l.block[:0]
			l.day = day
		case day < l.day:
			layout = "2006-01-02 15:04:05"
		}
	}
	start := len(l.block)
	b := t.AppendFormat(l.block, layout)
	verb := Sanitize(strings.ToUpper(ev.Verb))
	latency := "unknown"
	if d, ok := e.Latency(); ok {
		latency = d.String()
	}
	// As fmt's " (%s) [%s][%s] [%d]\t " and " [%6s][%12s] [%3d]\t ".
	if l.style == ListWide {
		b = append(b, " ("...)
		b = AppendSanitized(b, string(ev.AuditID))
		b = append(b, ") ["...)
		b = append(b, verb...)
		b = append(b, "]["...)
		b = append(b, latency...)
		b = append(b, "] ["...)
		b = strconv.AppendInt(b, int64(code), 10)
	} else {
		b = append(b, " ["...)
		b = appendRight(b, verb, 6)
		b = append(b, "]["...)
		b = appendRight(b, latency, 12)
		b = append(b, "] ["...)
		var digits [12]byte
		b = appendRight(b, string(strconv.AppendInt(digits[:0], int64(code), 10)), 3)
	}
	b = append(b, ']')
	var c listCells
	c.end0, c.w0 = len(b), textWidth(b[start:])
	b = append(b, ' ')
	b = AppendSanitized(b, ev.RequestURI)
	c.end1, c.w1 = len(b), textWidth(b[c.end0:])
	b = append(b, " ["...)
	b = AppendSanitized(b, ev.User.Username)
	b = append(b, ']')
	c.end2 = len(b)
	l.block = b
	l.cells = append(l.cells, c)
	l.widths[0], l.widths[1] = max(l.widths[0], c.w0), max(l.widths[1], c.w1)
	l.lines++
	if l.lines%listBlock == 0 {
		return l.flushBlock()
	}
	return nil
}

// flushBlock writes the block's lines, each of the first two cells
// padded with spaces to its column's width (the widest cell, at least
// listMinWidth), as the reference's text/tabwriter aligns them.
func (l *Listing) flushBlock() error {
	w0, w1 := max(l.widths[0], listMinWidth), max(l.widths[1], listMinWidth)
	start := 0
	for _, c := range l.cells {
		l.bw.Write(l.block[start:c.end0])
		writeSpaces(l.bw, w0-c.w0)
		l.bw.Write(l.block[c.end0:c.end1])
		writeSpaces(l.bw, w1-c.w1)
		l.bw.Write(l.block[c.end1:c.end2])
		if err := l.bw.WriteByte('\n'); err != nil {
			return err
		}
		start = c.end2
	}
	l.block, l.cells, l.widths = l.block[:0], l.cells[:0], [2]int{}
	return nil
}

// spaces pads cells.
const spaces = "                                                                "

// writeSpaces writes n spaces to w.
func writeSpaces(w *bufio.Writer, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		w.WriteString(spaces[:k])
		n -= k
	}
}

// textWidth is the width of b in runes, as text/tabwriter counts a cell.
func textWidth(b []byte) int {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return utf8.RuneCount(b)
		}
	}
	return len(b)
}

// appendRight appends s right-aligned in a field of width runes, as fmt
// pads %*s.
func appendRight(b []byte, s string, width int) []byte {
	for n := utf8.RuneCountInString(s); n < width; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// Flush writes out whatever is buffered.
func (l *Listing) Flush() error {
	if err := l.flushBlock(); err != nil {
		return err
	}
	return l.bw.Flush()
}

const secondsPerDay = 24 * 60 * 60
