//go:build isal && cgo

package auditlog

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// inflated is what a File gave: its bytes, then its error and the offset of
// that error.
type inflated struct {
	out    []byte
	err    string
	kind   string
	offset int64 // DecompressError.Offset; CompressedOffset at EOF
}

// errKind names the failure: what the differential tests compare besides
// the message.
func errKind(err error) string {
	var corrupt flate.CorruptInputError
	switch {
	case err == io.EOF:
		return "eof"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	case errors.Is(err, gzip.ErrHeader):
		return "header"
	case errors.Is(err, gzip.ErrChecksum):
		return "checksum"
	case errors.As(err, &corrupt):
		return "corrupt"
	}
	return fmt.Sprintf("other %T", err)
}

// inflateWith reads data as a file with inflater g, with reads of readSize
// bytes.
func inflateWith(t testing.TB, g gunzipper, data []byte, readSize int) inflated {
	t.Helper()
	saved := gunzip
	gunzip = g
	defer func() { gunzip = saved }()
	f, err := newFile(&Source{Path: "a.log.gz"}, io.NopCloser(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var res inflated
	buf := make([]byte, readSize)
	for {
		n, err := f.Read(buf)
		res.out = append(res.out, buf[:n]...)
		if err != nil {
			res.err, res.kind, res.offset = err.Error(), errKind(err), f.CompressedOffset()
			var de *DecompressError
			if errors.As(err, &de) {
				res.offset = de.Offset
			}
			return res
		}
	}
}

// sameInflation fails the test when ISA-L reads data otherwise than
// klauspost: other bytes, another error, or the error at another offset.
// Where the deflate data itself ends short or is corrupt, the two decoders
// stop at different symbols: there both must fail the same way (and a cut
// at the same offset, the file's end), and the bytes of one must begin the
// other's, at most maxDataSlack apart; deflate data both invalid and cut
// short may end as either.
func sameInflation(t testing.TB, name string, data []byte, readSize int) inflated {
	t.Helper()
	want := inflateWith(t, klauspostGunzip, data, readSize)
	got := inflateWith(t, isalGunzip, data, readSize)
	dataKinds := map[string]bool{"truncated": true, "corrupt": true}
	exact := true
	switch {
	case got.kind != want.kind && dataKinds[got.kind] && dataKinds[want.kind]:
		// Deflate data both invalid and cut short: klauspost checks a
		// block header as it reads it, ISA-L once it has all of it.
		exact = false
	case got.kind != want.kind:
		t.Errorf("%s: ISA-L ended with %q (%s), klauspost with %q (%s)", name, got.err, got.kind, want.err, want.kind)
		return want
	case want.kind == "corrupt":
		exact = false
	case want.kind == "truncated" && !bytes.Equal(got.out, want.out):
		// Cut inside deflate data; a cut in a header or a trailer reads
		// the same bytes.
		exact = false
		if got.err != want.err || got.offset != want.offset {
			t.Errorf("%s: ISA-L ended with %q at %d, klauspost with %q at %d", name, got.err, got.offset, want.err, want.offset)
		}
	}
	if !exact {
		short, long := got.out, want.out
		if len(short) > len(long) {
			short, long = long, short
		}
		if !bytes.HasPrefix(long, short) || len(long)-len(short) > maxDataSlack {
			t.Errorf("%s: ISA-L read %d bytes, klauspost %d, ending %s: not one a prefix of the other within %d bytes",
				name, len(got.out), len(want.out), want.kind, maxDataSlack)
		}
		return want
	}
	if !bytes.Equal(got.out, want.out) {
		t.Errorf("%s: ISA-L read %d bytes, klauspost %d", name, len(got.out), len(want.out))
	}
	if got.err != want.err || got.offset != want.offset {
		t.Errorf("%s: ISA-L ended with %q (%s) at %d, klauspost with %q (%s) at %d",
			name, got.err, got.kind, got.offset, want.err, want.kind, want.offset)
	}
	return want
}

// maxDataSlack bounds how far apart the decoders stop in damaged deflate
// data, in decoded bytes: a few symbols, each at most a match of 258.
const maxDataSlack = 4 * 258

// gzipLevel compresses data at a level, with a header naming it.
func gzipLevel(t testing.TB, data []byte, level int, hdr gzip.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Header = hdr
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withHeaderCRC sets FHCRC in a gzip member with no optional fields: the
// header's CRC16 follows the fixed header. bad makes it wrong.
func withHeaderCRC(gz []byte, bad bool) []byte {
	hdr := bytes.Clone(gz[:10])
	hdr[3] |= gzipFlagHeaderCRC
	sum := uint16(crc32.ChecksumIEEE(hdr))
	if bad {
		sum++
	}
	return cat(hdr, binary.LittleEndian.AppendUint16(nil, sum), gz[10:])
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestInflatersAgreeOnGoodInput(t *testing.T) {
	lines := auditLines(3000) // about 1.3 MB: the file's buffer is refilled
	small := auditLines(20)
	long := string(bytes.Repeat([]byte("n"), 511))
	tests := []struct {
		name string
		data []byte
		want []byte
	}{
		{"default level", gzipped(t, lines), lines},
		{"best speed", gzipLevel(t, lines, gzip.BestSpeed, gzip.Header{}), lines},
		{"best compression", gzipLevel(t, lines, gzip.BestCompression, gzip.Header{}), lines},
		{"stored blocks", gzipLevel(t, lines, gzip.NoCompression, gzip.Header{}), lines},
		{"huffman only", gzipLevel(t, lines, gzip.HuffmanOnly, gzip.Header{}), lines},
		{"random bytes", gzipped(t, randomBytes(600<<10, 1)), randomBytes(600<<10, 1)},
		{"empty", gzipped(t, nil), nil},
		{"two members", cat(gzipped(t, lines[:1000]), gzipped(t, lines[1000:])), lines},
		{"empty members around", cat(gzipped(t, nil), gzipped(t, small), gzipped(t, nil)), small},
		{"name, comment, extra", gzipLevel(t, small, 6, gzip.Header{Name: "a.log", Comment: "é", Extra: []byte("xyz")}), small},
		{"longest name", gzipLevel(t, small, 6, gzip.Header{Name: long}), small},
		{"header CRC", withHeaderCRC(gzipped(t, small), false), small},
	}
	for _, tt := range tests {
		for _, readSize := range []int{1, 1000, 256 << 10} {
			if readSize == 1 && len(tt.want) > 100000 {
				continue
			}
			got := sameInflation(t, fmt.Sprintf("%s, reads of %d", tt.name, readSize), tt.data, readSize)
			if !bytes.Equal(got.out, tt.want) || got.kind != "eof" || got.offset != int64(len(tt.data)) {
				t.Errorf("%s: klauspost read %d bytes, want %d, then %s at %d", tt.name, len(got.out), len(tt.want), got.kind, got.offset)
			}
		}
	}
}

func TestInflatersAgreeOnDamagedInput(t *testing.T) {
	lines := auditLines(40)
	first := gzipped(t, lines[:len(lines)/3])
	two := cat(first, gzipLevel(t, lines[len(lines)/3:], gzip.NoCompression, gzip.Header{Name: "b"}))
	big := gzipped(t, auditLines(3000))
	flip := func(b []byte, i int, x byte) []byte {
		b = bytes.Clone(b)
		b[i] ^= x
		return b
	}
	set := func(b []byte, i int, v byte) []byte {
		b = bytes.Clone(b)
		b[i] = v
		return b
	}
	kinds := map[string]int{}
	check := func(name string, data []byte, readSizes ...int) {
		for _, readSize := range readSizes {
			kinds[sameInflation(t, fmt.Sprintf("%s, reads of %d", name, readSize), data, readSize).kind]++
		}
	}
	// Cut short at every byte, through both members' headers, data and
	// trailers.
	for cut := 2; cut < len(two); cut++ {
		sizes := []int{64 << 10}
		if cut%7 == 0 || cut < 100 || cut > len(two)-100 {
			sizes = append(sizes, 7)
		}
		check(fmt.Sprintf("cut at %d of %d", cut, len(two)), two[:cut], sizes...)
	}
	// One byte damaged, everywhere: its lowest bit, or all of them.
	for i := range two {
		x := byte(0x01)
		if i%2 == 1 {
			x = 0xff
		}
		check(fmt.Sprintf("byte %d of %d ^ %#x", i, len(two), x), flip(two, i, x), 64<<10)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"bad CRC", flip(big, len(big)-6, 0x55)},
		{"bad size", flip(big, len(big)-2, 0x55)},
		{"bad method", set(big, 2, 7)},
		{"reserved flag", flip(big, 3, 0x20)},
		{"bad header CRC", withHeaderCRC(big, true)},
		{"name too long", gzipLevel(t, lines, 6, gzip.Header{Name: string(bytes.Repeat([]byte("n"), 512))})},
		{"garbage of 9 bytes after", cat(big, []byte("garbage!\n"))},
		{"garbage of 10 bytes after", cat(big, []byte("garbage!!\n"))},
		{"JSON after", cat(big, lines)},
		{"gzip magic after", cat(big, []byte{0x1f, 0x8b, 8, 0, 0, 0})},
		{"a zero byte after", cat(big, []byte{0})},
		{"big, cut in the middle", big[:len(big)/2]},
		{"big, damaged in the middle", flip(big, len(big)/2, 0x10)},
	} {
		check(tt.name, tt.data, 7, 64<<10)
	}
	for _, k := range []string{"truncated", "header", "checksum", "corrupt", "eof"} {
		if kinds[k] == 0 {
			t.Errorf("no damaged input ended with %s", k)
		}
	}
	t.Logf("endings: %v", kinds)
}

// TestInflatersAgreeOnEvents reads damaged gzip logs with the Reader, once
// with each inflater: the same events, lines and problems.
func TestInflatersAgreeOnEvents(t *testing.T) {
	var plain bytes.Buffer
	for i := range 400 {
		plain.WriteString(testEvent(fmt.Sprint(i)) + "\n")
	}
	gz := gzipOf(t, plain.Bytes())
	damaged := bytes.Clone(gz)
	damaged[len(gz)/2] ^= 0x40
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"whole", gz},
		{"cut", gz[:len(gz)*2/3]},
		{"damaged", damaged},
		{"bad CRC", cat(gz[:len(gz)-8], []byte{1, 2, 3, 4}, gz[len(gz)-4:])},
		{"garbage after", cat(gz, []byte("not gzip at all\n"))},
	} {
		p := filepath.Join(t.TempDir(), "node-audit.log.gz")
		if err := os.WriteFile(p, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		report := func(g gunzipper) string {
			saved := gunzip
			gunzip = g
			defer func() { gunzip = saved }()
			r := NewReader([]Source{{Path: p, Size: int64(len(tt.data))}}, Options{EveryStage: true, EveryCopy: true})
			n := 0
			if err := r.scan(context.Background(), []Sink{SinkFunc(func(*Entry) { n++ })}); err != nil {
				t.Fatal(err)
			}
			rep := r.Report()
			return fmt.Sprintf("%d events; lines %d, bytes %d, compressed %d; problems %+v", n, rep.Lines, rep.Bytes, rep.CompressedBytes, rep.Problems)
		}
		if got, want := report(isalGunzip), report(klauspostGunzip); got != want {
			t.Errorf("%s: with ISA-L %s\nwith klauspost %s", tt.name, got, want)
		}
	}
}

// FuzzInflaters reads arbitrary bytes after the gzip magic, and gzip
// members cut and damaged anywhere, with both inflaters: the same bytes,
// error and offset.
func FuzzInflaters(f *testing.F) {
	lines := auditLines(30)
	gz := gzipped(f, lines)
	f.Add(gz, uint16(0), byte(0))
	f.Add(gz, uint16(len(gz)/2), byte(0x10))
	f.Add(gz, uint16(12), byte(0xff))
	f.Add(cat(gz, gzipLevel(f, lines, gzip.NoCompression, gzip.Header{Comment: "c"})), uint16(len(gz)+3), byte(0x08))
	f.Add(cat(gz, []byte("garbage after the member\n")), uint16(0), byte(0))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x00}, uint16(0), byte(0))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0x04, 0xc0, 0x81, 0x08, 0x00}, uint16(0), byte(0))
	f.Fuzz(func(t *testing.T, data []byte, at uint16, x byte) {
		data = cat(gzipMagic, data)
		if len(data) > 1<<20 {
			return
		}
		if int(at) < len(data) {
			data[at] ^= x
		}
		sameInflation(t, "input", data, 4096)
	})
}

func TestInflaterIsISAL(t *testing.T) {
	if got := Inflater(); got != InflaterISAL {
		t.Errorf("Inflater() = %q in a build with the tag isal, want %q", got, InflaterISAL)
	}
}

// BenchmarkInflaters reads a gzip log of audit events (BestSpeed, as the
// API server's rotation and the harness's generator write them) through a
// File with each inflater, in reads of a block's size, as the splitter
// does: bytes/s of uncompressed output.
func BenchmarkInflaters(b *testing.B) {
	plain := auditLines(20000)
	gz := gzipLevel(b, plain, gzip.BestSpeed, gzip.Header{})
	block := make([]byte, blockSize)
	for _, g := range []gunzipper{isalGunzip, klauspostGunzip} {
		b.Run(g.name, func(b *testing.B) {
			saved := gunzip
			gunzip = g
			defer func() { gunzip = saved }()
			b.SetBytes(int64(len(plain)))
			for b.Loop() {
				f, err := newFile(&Source{Path: "a.log.gz"}, io.NopCloser(bytes.NewReader(gz)))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for err == nil {
					var m int
					m, err = f.Read(block)
					n += m
				}
				if err != io.EOF || n != len(plain) {
					b.Fatalf("%d bytes, %v; want %d, EOF", n, err, len(plain))
				}
			}
		})
	}
}
