package auditparquet

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// errEnded is a column chunk that holds fewer values than its row group
// has rows.
var errEnded = errors.New("column ended before its row group")

// leaf reads the values of one leaf column of a row group, page by page.
// A value is read at a level position: pos walks the definition (and
// repetition) levels of the page, val the non-null values.
type leaf struct {
	col    Column
	pages  parquet.Pages
	page   parquet.Page
	kind   kind
	maxDef byte
	def    []byte // nil when the column is required
	rep    []byte // nil unless the column is repeated
	n      int    // level positions in the page
	pos    int
	val    int
	// The page's values, by kind.
	i64  []int64
	i32  []int32
	idx  []int32  // dictionary indexes of a dictionary-encoded page
	dict []string // the chunk's dictionary, as strings
	from parquet.Dictionary
	text string   // a PLAIN page's values, as one string
	offs []uint32 // their offsets in text
	// bytes counts the uncompressed bytes of the pages read.
	bytes int64
	// err is where the leaf records its first error: its Rows' error,
	// which every leaf of the row group shares.
	err *error
	in  *dictStrings
}

// dictStrings turns dictionaries into strings, sharing the strings of
// equal values across row groups (bounded, like interner).
type dictStrings struct {
	in interner
}

// open starts reading leaf i of column c of row group rg, once its pages
// are checked (checkChunk).
func (l *leaf) open(f *File, rg int, c Column, i int, in *dictStrings, errp *error) error {
	if err := f.checkChunk(rg, c, i); err != nil {
		return err
	}
	li := f.leaves[c][i]
	*l = leaf{col: c, pages: f.chunk(rg, c, i).Pages(), kind: kindOf(c), maxDef: li.maxDef, in: in,
		dict: l.dict[:0], from: nil, err: errp}
	if l.kind == kindMap || l.kind == kindList {
		l.kind = kindString
	}
	return nil
}

// close releases the pages.
func (l *leaf) close() {
	if l.page != nil {
		parquet.Release(l.page)
		l.page = nil
	}
	if l.pages != nil {
		l.pages.Close()
		l.pages = nil
	}
}

// fail records the first error.
func (l *leaf) fail(err error) {
	if *l.err == nil {
		*l.err = fmt.Errorf("%w: column %s: %v", ErrDamaged, l.col, err)
	}
}

// load reads the next page; it reports false at the end of the chunk or
// on an error (then *l.err is set).
func (l *leaf) load() bool {
	if *l.err != nil {
		return false
	}
	if l.page != nil {
		parquet.Release(l.page)
		l.page = nil
	}
	p, err := l.pages.ReadPage()
	if err != nil {
		if err != io.EOF {
			l.fail(err)
		}
		return false
	}
	l.page = p
	l.bytes += p.Size()
	l.n, l.pos, l.val = int(p.NumValues()), 0, 0
	l.def, l.rep = p.DefinitionLevels(), p.RepetitionLevels()
	values := l.n
	if l.maxDef > 0 {
		if len(l.def) != l.n {
			l.fail(fmt.Errorf("%d definition levels for %d values", len(l.def), l.n))
			return false
		}
		values = 0
		for _, d := range l.def {
			if d == l.maxDef {
				values++
			}
		}
	} else {
		l.def = nil
	}
	if l.rep != nil && len(l.rep) != l.n {
		l.fail(fmt.Errorf("%d repetition levels for %d values", len(l.rep), l.n))
		return false
	}
	data := p.Data()
	switch l.kind {
	case kindInt64:
		l.i64 = data.Int64()
		if len(l.i64) < values {
			l.fail(fmt.Errorf("%d values in a page of %d", len(l.i64), values))
			return false
		}
	case kindInt32:
		l.i32 = data.Int32()
		if len(l.i32) < values {
			l.fail(fmt.Errorf("%d values in a page of %d", len(l.i32), values))
			return false
		}
	default:
		return l.loadStrings(p, values)
	}
	return true
}

// loadStrings readies the values of a page of strings.
func (l *leaf) loadStrings(p parquet.Page, values int) bool {
	data := p.Data()
	if d := p.Dictionary(); d != nil {
		if d != l.from {
			l.from = d
			dv := d.Page().Data()
			b, offs := dv.ByteArray()
			if len(offs) != d.Len()+1 || !offsetsFit(offs, len(b)) {
				l.fail(errors.New("bad dictionary"))
				return false
			}
			l.dict = l.dict[:0]
			for i := range d.Len() {
				l.dict = append(l.dict, l.in.in.bytes(b[offs[i]:offs[i+1]]))
			}
		}
		l.idx, l.offs, l.text = data.Int32(), nil, ""
		if len(l.idx) < values {
			l.fail(fmt.Errorf("%d values in a page of %d", len(l.idx), values))
			return false
		}
		for _, i := range l.idx[:values] {
			if uint(i) >= uint(len(l.dict)) {
				l.fail(fmt.Errorf("dictionary index %d of %d", i, len(l.dict)))
				return false
			}
		}
		return true
	}
	b, offs := data.ByteArray()
	if len(offs) < values+1 || !offsetsFit(offs[:values+1], len(b)) {
		l.fail(fmt.Errorf("bad offsets for %d values", values))
		return false
	}
	l.idx, l.offs, l.text = nil, offs, string(b)
	return true
}

// offsetsFit reports whether offs never decrease and stay within n.
func offsetsFit(offs []uint32, n int) bool {
	prev := uint32(0)
	for _, o := range offs {
		if o < prev {
			return false
		}
		prev = o
	}
	return int(prev) <= n
}

// ready makes sure a level position is available, loading the next page
// when the current one is done. At the end of the chunk it records
// errEnded.
func (l *leaf) ready() bool {
	for l.pos == l.n {
		if !l.load() {
			if *l.err == nil {
				l.fail(errEnded)
			}
			return false
		}
	}
	return true
}

// str returns the next value of a string column that is not repeated, and
// whether it is not null.
func (l *leaf) str() (string, bool) {
	if !l.ready() {
		return "", false
	}
	i := l.pos
	l.pos++
	if l.def != nil && l.def[i] != l.maxDef {
		return "", false
	}
	return l.value(), true
}

// value returns the next non-null string value.
func (l *leaf) value() string {
	v := l.val
	l.val++
	if l.idx != nil {
		return l.dict[l.idx[v]]
	}
	return l.text[l.offs[v]:l.offs[v+1]]
}

// int64 returns the next value of a required INT64 column.
func (l *leaf) int64() int64 {
	if !l.ready() {
		return 0
	}
	l.pos++
	v := l.val
	l.val++
	return l.i64[v]
}

// int32 returns the next value of an optional INT32 column, and whether
// it is not null.
func (l *leaf) int32() (int32, bool) {
	if !l.ready() {
		return 0, false
	}
	i := l.pos
	l.pos++
	if l.def != nil && l.def[i] != l.maxDef {
		return 0, false
	}
	v := l.val
	l.val++
	return l.i32[v], true
}

// list appends the strings of the next row of a repeated column to dst.
func (l *leaf) list(dst []string) []string {
	if !l.ready() {
		return dst
	}
	for first := true; ; first = false {
		if l.pos == l.n && !l.load() {
			return dst // the end of the chunk ends the row
		}
		if !first && l.rep[l.pos] == 0 {
			return dst
		}
		if l.def[l.pos] == l.maxDef {
			dst = append(dst, l.value())
		}
		l.pos++
	}
}
