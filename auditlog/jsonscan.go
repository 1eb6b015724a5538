package auditlog

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxDepth is the deepest nesting of JSON arrays and objects the decoder
// accepts, the same limit as encoding/json's.
const maxDepth = 10000

// syntaxError is a JSON syntax error at a byte offset of the decoded value.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.offset, e.msg)
}

// typeError is JSON that is valid but does not fit the Event type.
type typeError struct {
	what  string // the JSON value's kind: string, number, object...
	field string
}

func (e *typeError) Error() string {
	return fmt.Sprintf("cannot decode JSON %s into %s", e.what, e.field)
}

// scanner walks one JSON text in place. Its methods take and return byte
// offsets; they never allocate except to unescape strings.
type scanner struct {
	data []byte
	pos  int
	// str is data as a string when data is small enough to share: strings
	// without escapes are substrings of it, which costs one allocation per
	// line instead of one per string.
	str string
	// stable says data is the reader's, as lasting as str: raw values may
	// point into it rather than be copied.
	stable bool
	// buf is scratch space for unescaping.
	buf []byte
	// escaped, when shareEscaped is set, holds the unescaped string values
	// returned since the last forgetEscaped, which they point into: a
	// reader whose entries live no longer than their block (see buffers)
	// has them there rather than in an allocation each. (The requestURIs
	// of a must-gather escape '&' as \u0026: without it, --by=user -otop
	// allocated 27 MB on 1.15M requests, nearly all it allocated.)
	escaped      []byte
	shareEscaped bool
	// key is the offsets of the last object key read, and whether it needed
	// no unescaping, for keyString.
	keyStart, keyEnd int
	keyClean         bool
	// nest is skipNested's stack of closing brackets, kept for reuse.
	nest []byte
	// depth is the depth of the value of the last object member or array
	// element reached, for skipping it.
	depth int
	// cls holds a bitmap of data's bytes when classified is true; the
	// scanner then jumps from marked byte to marked byte.
	cls        classes
	classified bool
	// preclassified says cls holds the bitmap of the data the next reset
	// is given (lineDecoder classifies a line as it finds its end).
	preclassified bool
}

// shareLimit is the longest line whose strings share one allocation. The
// strings of a longer line (one with request or response bodies) are
// copied one by one, so that a kept string never pins a large line.
const shareLimit = 16 << 10

// reset points the scanner at data. text, if not empty, is data as a
// string that the caller guarantees will never change (the reader's
// blocks): strings are then substrings of it and cost nothing.
func (s *scanner) reset(data []byte, text string) {
	s.data = data
	s.pos = 0
	s.str = text
	s.stable = text != ""
	if text == "" && len(data) <= shareLimit {
		s.str = string(data)
	}
	if s.preclassified {
		s.classified, s.preclassified = true, false
	} else {
		s.classified = s.cls.classify(data)
	}
}

// plainEnd returns the index of the first byte at or after i that needs
// attention inside a string (see plainRun), or len(s.data).
func (s *scanner) plainEnd(i int) int {
	if s.classified {
		return nextBit(s.cls.special, i, len(s.data))
	}
	return i + plainRun(s.data[i:])
}

func (s *scanner) errorf(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...), offset: s.pos}
}

// ws skips white space and returns the next byte, or 0 at the end.
func (s *scanner) ws() byte {
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return c
		}
		s.pos++
	}
	return 0
}

// kind names the JSON value starting with c, for type errors.
func kind(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// expect consumes the byte c after white space.
func (s *scanner) expect(c byte) error {
	if s.ws() != c {
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of input, expected %q", c)
		}
		return s.errorf("invalid character %q, expected %q", s.data[s.pos], c)
	}
	s.pos++
	return nil
}

// null consumes a null literal if one comes next and reports whether it did.
func (s *scanner) null() (bool, error) {
	if s.ws() != 'n' {
		return false, nil
	}
	return true, s.literal("null")
}

func (s *scanner) literal(lit string) error {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return s.errorf("invalid literal, expected %s", lit)
	}
	s.pos += len(lit)
	return nil
}

// object iterates over the members of an object: it calls member with each
// key (valid only during the call) with the scanner at the value, which
// member must consume. (object and array repeat their loop rather than
// share one behind another callback, which costs 4% of a decode.)
func (s *scanner) object(depth int, member func(key []byte) error) error {
	if depth > maxDepth {
		return s.errorf("exceeded max depth")
	}
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.ws() == '}' {
		s.pos++
		return nil
	}
	for {
		if s.ws() != '"' {
			return s.errorf("expected a string key")
		}
		key, err := s.key()
		if err != nil {
			return err
		}
		s.depth = depth
		if err := member(key); err != nil {
			return err
		}
		switch s.ws() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or '}' after object member")
		}
	}
}

// key reads the key of an object member, at the scanner, and the colon
// after it, leaving the scanner at the value. The key is valid until the
// next one is read.
func (s *scanner) key() ([]byte, error) {
	d := s.data
	start, end, clean, err := s.scanString()
	if err != nil {
		return nil, err
	}
	s.keyStart, s.keyEnd, s.keyClean = start, end, clean
	key := d[start:end]
	if !clean {
		s.buf = unquote(s.buf[:0], key)
		key = s.buf
	}
	// Compact JSON, as the API server writes it, has the value right
	// after the colon.
	if i := s.pos; i+1 < len(d) && d[i] == ':' && d[i+1] > ' ' {
		s.pos = i + 1
	} else {
		if err := s.expect(':'); err != nil {
			return nil, err
		}
		s.ws()
	}
	return key, nil
}

// array iterates over the elements of an array, calling elem with the
// scanner at each element, which elem must consume.
func (s *scanner) array(depth int, elem func() error) error {
	if depth > maxDepth {
		return s.errorf("exceeded max depth")
	}
	if err := s.expect('['); err != nil {
		return err
	}
	if s.ws() == ']' {
		s.pos++
		return nil
	}
	for {
		s.ws()
		s.depth = depth
		if err := elem(); err != nil {
			return err
		}
		switch s.ws() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or ']' after array element")
		}
	}
}

// skip consumes one value of any kind, checking its syntax.
func (s *scanner) skip(depth int) error {
	switch c := s.ws(); c {
	case '{':
		return s.object(depth+1, func([]byte) error { return s.skip(depth + 1) })
	case '[':
		return s.array(depth+1, func() error { return s.skip(depth + 1) })
	case '"':
		return s.skipString()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		_, err := s.number()
		return err
	}
}

// skipValue consumes one value the caller does not want, checking it as
// thoroughly as a decoded one: whatever fields a reader decodes, a line is
// valid JSON or it is not (one verdict per line).
func (s *scanner) skipValue(depth int) error {
	switch s.ws() {
	case '"':
		end, err := s.stringEnd(s.pos)
		s.pos = end
		return err
	case '{', '[':
		return s.skipNested(depth)
	}
	return s.skip(depth)
}

// skipNested consumes an object or an array, checking its syntax as skip
// does, in one loop rather than by recursion (the closing brackets still to
// come are a stack in s.nest): skipping is most of the work of a decoder
// asked for a few fields, and every skipped byte is checked. The usual
// cases (a string with nothing to unescape, a comma or a bracket right
// after a value) are taken first, inline.
func (s *scanner) skipNested(depth int) error {
	d := s.data
	n := len(d)
	special, classified := s.cls.special, s.classified
	stack := s.nest[:0]
	i := s.pos
	var top byte // the closing bracket of the innermost container
	var c byte
	var err error
	// Each label is a state; i is at the next byte to read.
value:
	if i >= n {
		goto eof
	}
	c = d[i]
	switch c {
	case '"':
		if classified {
			j := nextBit(special, i+1, n)
			if j < n && d[j] == '"' {
				i = j + 1
				goto after
			}
			i, err = s.stringEndFrom(i, j)
		} else {
			i, err = s.stringEnd(i)
		}
		if err != nil {
			goto fail
		}
		goto after
	case '{', '[':
		if depth+len(stack)+1 > maxDepth {
			s.pos = i
			err = s.errorf("exceeded max depth")
			goto fail
		}
		top = c + 2 // '}' and ']' are 2 past their openers
		stack = append(stack, top)
		i++
		for i < n && isSpace(d[i]) {
			i++
		}
		if i < n && d[i] == top {
			i++
			goto closed
		}
		if c == '{' {
			goto key
		}
		goto value
	case ' ', '\t', '\n', '\r':
		i++
		goto value
	}
	s.pos = i
	if err = s.scalar(c); err != nil {
		goto fail
	}
	i = s.pos
	goto after
key:
	if i < n && d[i] == '"' {
		if classified {
			if j := nextBit(special, i+1, n); j < n && d[j] == '"' {
				i = j + 1
				goto colon
			}
		}
		if i, err = s.stringEnd(i); err != nil {
			goto fail
		}
		goto colon
	}
	for i < n && isSpace(d[i]) {
		i++
	}
	if i >= n {
		goto eof
	}
	if d[i] == '"' {
		goto key
	}
	s.pos = i
	err = s.errorf("expected a string key")
	goto fail
colon:
	// Compact JSON, as the API server writes it, has the value right after
	// the colon.
	if i+1 < n && d[i] == ':' && d[i+1] > ' ' {
		i++
		goto value
	}
	s.pos = i
	if err = s.expect(':'); err != nil {
		goto fail
	}
	i = s.pos
	goto value
after:
	// A value ended: a comma comes next, or the container ends.
	if i < n {
		switch d[i] {
		case ',':
			i++
			if top == '}' {
				goto key
			}
			goto value
		case top:
			i++
			goto closed
		case ' ', '\t', '\n', '\r':
			i++
			goto after
		}
		s.pos = i
		if top == '}' {
			err = s.errorf("expected ',' or '}' after object member")
		} else {
			err = s.errorf("expected ',' or ']' after array element")
		}
		goto fail
	}
	goto eof
closed:
	// The innermost container ended.
	stack = stack[:len(stack)-1]
	if len(stack) == 0 {
		s.nest, s.pos = stack, i
		return nil
	}
	top = stack[len(stack)-1]
	goto after
eof:
	s.pos = n
	err = s.errorf("unexpected end of input")
fail:
	s.nest = stack
	return err
}

// isSpace reports whether c is JSON white space.
func isSpace(c byte) bool {
	return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r')
}

// stringEnd checks the string that starts at i (at its opening quote) and
// returns the index just past it.
func (s *scanner) stringEnd(i int) (int, error) {
	d := s.data
	// Most strings need no attention up to their closing quote.
	var j int
	if s.classified {
		j = nextBit(s.cls.special, i+1, len(d))
	} else {
		j = i + 1 + plainRun(d[i+1:])
	}
	if j < len(d) && d[j] == '"' {
		return j + 1, nil
	}
	s.pos = i
	err := s.skipString()
	return s.pos, err
}

// scalar consumes a literal or a number starting with c.
func (s *scanner) scalar(c byte) error {
	switch c {
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	_, err := s.number()
	return err
}

// span consumes one value and returns its bytes.
func (s *scanner) span(depth int) ([]byte, error) {
	s.ws()
	start := s.pos
	if err := s.skipValue(depth); err != nil {
		return nil, err
	}
	return s.data[start:s.pos], nil
}

// number consumes a JSON number and returns its bytes.
func (s *scanner) number() ([]byte, error) {
	start := s.pos
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		if i >= len(d) {
			return nil, s.errorf("unexpected end of input")
		}
		return nil, s.errorf("invalid character %q looking for a value", d[i])
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			return nil, s.errorf("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			return nil, s.errorf("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return d[start:i], nil
}

// int parses an integer value that must fit in bits bits, as encoding/json
// does for integer fields: a number with a fraction or exponent does not fit.
func (s *scanner) int(bits uint, field string) (int64, error) {
	num, err := s.number()
	if err != nil {
		return 0, err
	}
	neg := num[0] == '-'
	digits := num
	if neg {
		digits = num[1:]
	}
	limit := uint64(1) << (bits - 1) // the magnitude of the most negative value
	var n uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, &typeError{"number " + string(num), field}
		}
		n = n*10 + uint64(c-'0')
		if n > limit {
			return 0, &typeError{"number " + string(num), field}
		}
	}
	if neg {
		return -int64(n), nil
	}
	if n == limit {
		return 0, &typeError{"number " + string(num), field}
	}
	return int64(n), nil
}

// stringEndFrom is stringEnd of a classified text whose first byte that
// needs attention after the opening quote at i is at j (not a quote): it
// goes on from j over valid escapes (a writer escapes the quotes of an
// authorization reason) and non-ASCII bytes, as skipString does, and leaves
// anything else to skipString, from i, for its checks and errors.
func (s *scanner) stringEndFrom(i, j int) (int, error) {
	d, special := s.data, s.cls.special
	n := len(d)
	for j < n {
		switch c := d[j]; {
		case c == '"':
			return j + 1, nil
		case c >= 0x80:
			j = nextBit(special, j+1, n)
			continue
		case c == '\\':
			if k := escapeLen(d[j:]); k > 0 {
				j = nextBit(special, j+k, n)
				continue
			}
		}
		break
	}
	s.pos = i
	err := s.skipString()
	return s.pos, err
}

// skipString consumes a string, checking it as scanString does: it jumps
// from one byte that needs attention to the next, and takes any non-ASCII
// byte (invalid UTF-8 reads as U+FFFD).
func (s *scanner) skipString() error {
	d := s.data
	i := s.pos + 1
	for {
		if s.classified {
			i = nextBit(s.cls.special, i, len(d))
		} else {
			i += plainRun(d[i:])
		}
		if i >= len(d) {
			s.pos = len(d)
			return s.errorf("unexpected end of input in string")
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return nil
		case c == '\\':
			n := escapeLen(d[i:])
			if n == 0 {
				s.pos = min(i+1, len(d))
				if i+1 >= len(d) {
					return s.errorf("unexpected end of input in string")
				}
				if d[i+1] == 'u' {
					return s.errorf("invalid \\u escape in string")
				}
				return s.errorf("invalid escape %q in string", d[i+1])
			}
			i += n
		case c < ' ':
			s.pos = i
			return s.errorf("control character in string")
		default:
			i++
		}
	}
}

// escapeLen returns the length of the escape sequence at the start of b
// (which starts with a backslash), or 0 if it is not a valid one.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(b) >= 6 && isHex(b[2]) && isHex(b[3]) && isHex(b[4]) && isHex(b[5]) {
			return 6
		}
	}
	return 0
}

// rawString consumes a string and returns its contents unescaped, valid
// until the next call (it may point into s.buf).
func (s *scanner) rawString() ([]byte, error) {
	start, end, clean, err := s.scanString()
	if err != nil {
		return nil, err
	}
	if clean {
		return s.data[start:end], nil
	}
	s.buf = unquote(s.buf[:0], s.data[start:end])
	return s.buf, nil
}

// keyString returns the last object key read as a Go string. Call it
// before decoding the member's value.
func (s *scanner) keyString() string {
	if !s.keyClean {
		return string(unquote(s.buf[:0], s.data[s.keyStart:s.keyEnd]))
	}
	if s.str != "" {
		return s.str[s.keyStart:s.keyEnd]
	}
	return string(s.data[s.keyStart:s.keyEnd])
}

// string consumes a string value and returns it as a Go string.
func (s *scanner) string() (string, error) {
	start, end, clean, err := s.scanString()
	if err != nil {
		return "", err
	}
	if clean {
		if s.str != "" {
			return s.str[start:end], nil
		}
		return string(s.data[start:end]), nil
	}
	if s.shareEscaped {
		n := len(s.escaped)
		s.escaped = unquote(s.escaped, s.data[start:end])
		v := s.escaped[n:]
		return unsafe.String(unsafe.SliceData(v), len(v)), nil
	}
	s.buf = unquote(s.buf[:0], s.data[start:end])
	return string(s.buf), nil
}

// forgetEscaped lets the space of the unescaped strings returned so far be
// reused: none of them may be in use any more.
func (s *scanner) forgetEscaped() {
	// Strings returned before escaped last grew point into an array
	// escaped no longer holds, which is never written again.
	s.escaped = s.escaped[:0]
}

// scanString consumes a string and returns the offsets of its contents and
// whether they can be used as they are (no escapes, valid UTF-8).
func (s *scanner) scanString() (start, end int, clean bool, err error) {
	// Most strings hold no quote, backslash, control character or
	// non-ASCII byte: find the closing quote, then check what it encloses.
	start = s.pos + 1
	if j := s.plainEnd(start); j < len(s.data) && s.data[j] == '"' {
		s.pos = j + 1
		return start, j, true, nil
	}
	return s.scanStringSlow()
}

// scanStringSlow is scanString for strings with escapes or non-ASCII text.
func (s *scanner) scanStringSlow() (start, end int, clean bool, err error) {
	d := s.data
	i := s.pos + 1 // past the opening quote
	start = i
	clean = true
	for {
		i = s.plainEnd(i)
		if i >= len(d) {
			break
		}
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return start, i, clean, nil
		case c == '\\':
			clean = false
			i++
			if i >= len(d) {
				s.pos = i
				return 0, 0, false, s.errorf("unexpected end of input in string")
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+4 >= len(d) || !isHex(d[i+1]) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) {
					s.pos = i
					return 0, 0, false, s.errorf("invalid \\u escape in string")
				}
				i += 5
			default:
				s.pos = i
				return 0, 0, false, s.errorf("invalid escape %q in string", d[i])
			}
		case c < ' ':
			s.pos = i
			return 0, 0, false, s.errorf("control character in string")
		default: // c >= utf8.RuneSelf
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				clean = false
			}
			i += size
		}
	}
	s.pos = i
	return 0, 0, false, s.errorf("unexpected end of input in string")
}

// plainRun returns the length of the run of bytes at the start of b that
// need no attention inside a string: printable ASCII other than '"' and
// '\\'. It looks at eight bytes at a time.
func plainRun(b []byte) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; len(b)-i >= 8; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (lo * '"')
		bs := x ^ (lo * '\\')
		// A byte's high bit is set in m if the byte is below 0x20, is a
		// quote or a backslash, or is not ASCII. Borrows can only mark bytes
		// above a marked one, so the lowest mark is exact.
		m := ((x - lo*0x20) & ^x) | ((q - lo) & ^q) | ((bs - lo) & ^bs) | x
		if m &= hi; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < ' ' || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexValue(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unquote appends the unescaped contents of a checked JSON string to dst,
// replacing invalid UTF-8 and lone surrogates with U+FFFD as encoding/json
// does.
func unquote(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		if j := i + plainRun(src[i:]); j > i {
			dst = append(dst, src[i:j]...)
			if i = j; i >= len(src) {
				break
			}
		}
		c := src[i]
		switch {
		case c == '\\':
			i++
			switch src[i] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hexValue(src[i+1 : i+5])
				i += 5
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if i+6 <= len(src) && src[i] == '\\' && src[i+1] == 'u' {
						r2 = utf16.DecodeRune(r, hexValue(src[i+2:i+6]))
					}
					if r2 != utf8.RuneError {
						i += 6
						r = r2
					} else {
						r = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // " \ /
				dst = append(dst, src[i])
			}
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, src[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}
