package auditlog

import (
	"fmt"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// FieldsLater are the fields a reader can leave undecoded until an
// entry's Fill asks for them (Options.Later): members that few requests
// need read (a detector reads the source IPs and user agent of the
// requests it reports) but whose decoding every request pays for.
const FieldsLater = FieldSourceIPs | FieldUserAgent

// laterMembers are the members of the last event a decoder decoded that
// it left for later, for an entry's Fill to decode: where each is in the
// text decoded.
type laterMembers struct {
	fields    Fields // the members to leave for later, of FieldsLater
	pending   Fields // those the last event had, not yet decoded
	data      []byte // the text decoded, and as a string (scanner.reset)
	text      string
	sourceIPs span
	userAgent span
	fill      *decoder // Fill's decoder, made on first use
	// rep, when not nil, counts what Fill could not fit, as the reader
	// counts what it repairs (Repaired), at where.
	rep   *Report
	where Sample
}

// span is a value's offsets in laterMembers.data.
type span struct{ start, end int }

// at returns the span of the member of bit.
func (l *laterMembers) at(bit Fields) *span {
	if bit == FieldSourceIPs {
		return &l.sourceIPs
	}
	return &l.userAgent
}

// filler returns the decoder Fill decodes with, made on first use.
func (l *laterMembers) filler() *decoder {
	if l.fill == nil {
		l.fill = newDecoder(FieldsLater)
		l.fill.repair = true
	}
	return l.fill
}

// putOff skips the value of the member of bit, one of d.later.fields, and
// notes where it is, for Fill. The second of a member in one event is
// decoded at once, after the first, since encoding/json decodes it into
// what the first left.
func (d *decoder) putOff(bit Fields, ev *auditv1.Event, depth int) error {
	s := &d.s
	sp := d.later.at(bit)
	if d.later.pending&bit != 0 {
		at := s.pos
		s.pos = sp.start
		if err := d.laterMember(bit, ev, depth); err != nil {
			return err
		}
		s.pos = at
		d.later.pending &^= bit
		return d.laterMember(bit, ev, depth)
	}
	sp.start = s.pos
	if err := s.skipValue(depth); err != nil {
		return err
	}
	sp.end = s.pos
	d.later.pending |= bit
	return nil
}

// laterMember decodes the value of the member of bit, one of FieldsLater,
// into ev.
func (d *decoder) laterMember(bit Fields, ev *auditv1.Event, depth int) error {
	if bit == FieldSourceIPs {
		if ev.SourceIPs == nil {
			ev.SourceIPs = d.spare.sourceIPs()
		}
		return strs(d, &ev.SourceIPs, depth, "sourceIPs")
	}
	return d.str(&ev.UserAgent, "userAgent")
}

// Fill decodes into the entry's event those of fields that its reader
// left for later (Options.Later); the others are as the reader decoded
// them, and Fill leaves them alone, as it does every field of an entry
// not read from JSON text. A value that does not fit its field is left
// out, as the reader leaves out such a value of a field it decodes, and
// reported (and counted in the reader's Report, as Repaired). Call Fill while the entry is being added: the text it decodes
// is the reader's block.
func (e *Entry) Fill(fields Fields) error {
	l := e.later
	if l == nil || l.pending&fields == 0 {
		return nil
	}
	want := l.pending & fields
	l.pending &^= want
	d := l.filler()
	var first error
	for _, bit := range [...]Fields{FieldSourceIPs, FieldUserAgent} {
		if want&bit == 0 {
			continue
		}
		sp := l.at(bit)
		text := ""
		if l.text != "" {
			text = l.text[sp.start:sp.end]
		}
		d.s.reset(l.data[sp.start:sp.end], text)
		d.fixed = nil
		err := d.laterMember(bit, e.Event, 1)
		if err == nil {
			err = d.fixed
		}
		if err == nil {
			continue
		}
		if l.rep != nil {
			at := l.where
			at.Detail = err.Error()
			l.rep.add(Repaired, at)
		}
		if first == nil {
			path := "-"
			if e.Source != nil {
				path = e.Source.Path
			}
			first = fmt.Errorf("%s:%d: %w", path, e.Line, err)
		}
	}
	return first
}
