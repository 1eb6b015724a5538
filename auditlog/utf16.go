package auditlog

import (
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// The byte-order marks of UTF-16 text, as Windows PowerShell 5 writes it
// when output is redirected to a file (kubectl logs ... > audit.log).
var (
	utf16LE = []byte{0xff, 0xfe}
	utf16BE = []byte{0xfe, 0xff}
)

// utf16Reader reads UTF-16 text, whose byte-order mark is passed over, as
// UTF-8. A lone surrogate, or an odd last byte, becomes U+FFFD, as
// encoding/json makes invalid UTF-8.
type utf16Reader struct {
	r       io.Reader
	big     bool
	in      []byte // undecoded input: at most one byte, or a high surrogate's two
	out     []byte // decoded, not yet read
	inBuf   [8 << 10]byte
	err     error
	started bool
}

func newUTF16Reader(r io.Reader, bigEndian bool) *utf16Reader {
	return &utf16Reader{r: r, big: bigEndian}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		n, err := u.r.Read(u.inBuf[len(u.in):])
		copy(u.inBuf[:], u.in)
		data := u.inBuf[:len(u.in)+n]
		if !u.started && len(data) >= 2 {
			u.started = true
			if bytes.HasPrefix(data, utf16LE) || bytes.HasPrefix(data, utf16BE) {
				data = data[2:]
			}
		}
		u.out = u.decode(u.out[:0], data, err != nil)
		u.err = err
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// decode appends the UTF-8 of the whole code units of data to dst and
// keeps what is left (an odd byte, a high surrogate waiting for its pair)
// for the next call, unless final.
func (u *utf16Reader) decode(dst, data []byte, final bool) []byte {
	i := 0
	for ; i+1 < len(data); i += 2 {
		c := rune(data[i]) | rune(data[i+1])<<8
		if u.big {
			c = rune(data[i])<<8 | rune(data[i+1])
		}
		if utf16.IsSurrogate(c) && c < 0xdc00 {
			if i+3 >= len(data) {
				if !final {
					break
				}
				dst = utf8.AppendRune(dst, utf8.RuneError)
				continue
			}
			c2 := rune(data[i+2]) | rune(data[i+3])<<8
			if u.big {
				c2 = rune(data[i+2])<<8 | rune(data[i+3])
			}
			if r := utf16.DecodeRune(c, c2); r != utf8.RuneError {
				dst = utf8.AppendRune(dst, r)
				i += 2
				continue
			}
			c = utf8.RuneError
		} else if utf16.IsSurrogate(c) {
			c = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, c)
	}
	rest := data[i:]
	if final && len(rest) > 0 {
		dst = utf8.AppendRune(dst, utf8.RuneError)
		rest = nil
	}
	u.in = append(u.in[:0], rest...)
	return dst
}
