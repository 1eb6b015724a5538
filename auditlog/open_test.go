package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// auditLines returns n audit-event-like JSON lines.
func auditLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"%08x-7e1c-4b43-9d2e-3c5f0a1b2c3d",`+
			`"stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns-%d/pods?limit=500","verb":"list",`+
			`"user":{"username":"system:serviceaccount:ns-%d:sa","groups":["system:authenticated"]},"sourceIPs":["10.0.%d.%d"],`+
			`"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2021-03-09T14:07:%02d.%06dZ",`+
			`"stageTimestamp":"2021-03-09T14:07:%02d.%06dZ"}`+"\n",
			uint32(i)*2654435761, i%37, i%37, i%256, i*7%256, i%60, i*13%1000000, i%60, (i*13+1500)%1000000)
	}
	return b.Bytes()
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstded(t testing.TB, data []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(data, nil)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// writeFile writes data to a new file named name and returns its Source.
func writeFile(t testing.TB, name string, data []byte) *Source {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return &Source{Path: p, Size: int64(len(data))}
}

// readAll reads f with small reads until an error, and checks the error
// is sticky.
func readAll(t *testing.T, f *File) ([]byte, error) {
	t.Helper()
	var out []byte
	buf := make([]byte, 1000)
	for {
		n, err := f.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			if n2, err2 := f.Read(buf); n2 != 0 || err2 != err {
				t.Errorf("Read after %v = %d, %v; want 0 and the same error", err, n2, err2)
			}
			return out, err
		}
	}
}

func TestOpen(t *testing.T) {
	lines := auditLines(2000)
	half := len(lines) / 2
	tests := []struct {
		name   string
		file   string
		data   []byte
		format string
		want   []byte
	}{
		{"plain", "m-audit.log", lines, FormatPlain, lines},
		{"gzip", "m-audit.log.gz", gzipped(t, lines), FormatGzip, lines},
		{"gzip of two members", "m-audit.log.gz", cat(gzipped(t, lines[:half]), gzipped(t, lines[half:])), FormatGzip, lines},
		{"gzip with an empty member", "m-audit.log.gz", cat(gzipped(t, lines), gzipped(t, nil)), FormatGzip, lines},
		{"zstd", "m-audit.log.zst", zstded(t, lines), FormatZstd, lines},
		{"zstd of two frames", "m-audit.log.zst", cat(zstded(t, lines[:half]), zstded(t, lines[half:])), FormatZstd, lines},
		{"plain text named .gz", "m-audit.log.gz", lines, FormatPlain, lines},
		{"plain text named .zst", "m-audit.log.zst", lines, FormatPlain, lines},
		{"gzip named .log", "m-audit.log", gzipped(t, lines), FormatGzip, lines},
		{"zstd named .gz", "m-audit.log.gz", zstded(t, lines), FormatZstd, lines},
		{"empty", "m-audit.log", nil, FormatPlain, nil},
		{"empty named .gz", "m-audit.log.gz", nil, FormatPlain, nil},
		{"one byte of gzip magic", "x", []byte{0x1f}, FormatPlain, []byte{0x1f}},
		{"three bytes of zstd magic", "x", []byte{0x28, 0xb5, 0x2f}, FormatPlain, []byte{0x28, 0xb5, 0x2f}},
		{"no newline at the end", "x", []byte(`{"kind":"Event"}`), FormatPlain, []byte(`{"kind":"Event"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeFile(t, tt.file, tt.data)
			f, err := Open(src)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format() != tt.format {
				t.Errorf("Format() = %q, want %q", f.Format(), tt.format)
			}
			if f.Source() != src {
				t.Errorf("Source() = %p, want %p", f.Source(), src)
			}
			got, err := readAll(t, f)
			if err != io.EOF {
				t.Errorf("Read error %v, want io.EOF", err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("read %d bytes, want %d", len(got), len(tt.want))
			}
			if off := f.CompressedOffset(); off != int64(len(tt.data)) {
				t.Errorf("CompressedOffset() = %d at EOF, want %d", off, len(tt.data))
			}
		})
	}
}

// TestOpenTruncated cuts compressed files short: every byte decoded before
// the cut comes out, then an error that wraps io.ErrUnexpectedEOF.
func TestOpenTruncated(t *testing.T) {
	lines := auditLines(3000)
	gz := gzipped(t, lines)
	zs := zstded(t, lines)
	two := cat(gzipped(t, lines[:100]), gzipped(t, lines[100:]))
	firstLen := len(gzipped(t, lines[:100]))
	tests := []struct {
		name    string
		data    []byte
		format  string
		atLeast int // bytes that must come out
	}{
		{"gzip magic only", gz[:2], FormatGzip, 0},
		{"gzip in header", gz[:5], FormatGzip, 0},
		{"gzip after header", gz[:10], FormatGzip, 0},
		{"gzip after 100 bytes", gz[:100], FormatGzip, 1},
		{"gzip in the middle", gz[:len(gz)/2], FormatGzip, len(lines) / 4},
		{"gzip without trailer", gz[:len(gz)-8], FormatGzip, len(lines)},
		{"gzip without last byte", gz[:len(gz)-1], FormatGzip, len(lines)},
		{"gzip in second member's header", two[:firstLen+3], FormatGzip, 100},
		{"gzip in second member", two[:firstLen+1000], FormatGzip, 100},
		{"zstd magic only", zs[:4], FormatZstd, 0},
		{"zstd in frame header", zs[:6], FormatZstd, 0},
		{"zstd in the middle", zs[:len(zs)/2], FormatZstd, 1},
		{"zstd without checksum", zs[:len(zs)-4], FormatZstd, len(lines) / 2},
		{"zstd without last byte", zs[:len(zs)-1], FormatZstd, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openAs(t, "a.log.gz", tt.data, tt.format)
			defer f.Close()
			got, err := readAll(t, f)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("Read error %v, want one wrapping io.ErrUnexpectedEOF", err)
			}
			var de *DecompressError
			if !errors.As(err, &de) || de.Format != tt.format || de.Path != f.Source().Path {
				t.Errorf("Read error %#v, want a *DecompressError for %s", err, tt.format)
			} else if de.Offset <= 0 || de.Offset > int64(len(tt.data)) {
				t.Errorf("DecompressError.Offset = %d, want in (0, %d]", de.Offset, len(tt.data))
			}
			if !bytes.HasPrefix(lines, got) {
				t.Errorf("read %d bytes that are not a prefix of the input", len(got))
			}
			if len(got) < tt.atLeast {
				t.Errorf("read %d bytes before the cut, want at least %d", len(got), tt.atLeast)
			}
		})
	}
}

// TestOpenTruncatedEverywhere cuts a small gzip file at every offset: the
// bytes read grow with the cut, and are all of them from the trailer on.
func TestOpenTruncatedEverywhere(t *testing.T) {
	lines := auditLines(20)
	gz := gzipped(t, lines)
	dir := t.TempDir()
	prev := 0
	for cut := 2; cut < len(gz); cut++ {
		p := filepath.Join(dir, fmt.Sprint(cut))
		if err := os.WriteFile(p, gz[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Open(&Source{Path: p})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, f)
		f.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) || !bytes.HasPrefix(lines, got) || len(got) < prev {
			t.Fatalf("cut at %d of %d: read %d bytes (%d before), error %v", cut, len(gz), len(got), prev, err)
		}
		if cut >= len(gz)-8 && len(got) != len(lines) {
			t.Fatalf("cut at %d of %d, in the trailer: read %d bytes, want all %d", cut, len(gz), len(got), len(lines))
		}
		prev = len(got)
	}
}

func TestOpenCorrupt(t *testing.T) {
	lines := auditLines(500)
	gz := gzipped(t, lines)
	zs := zstded(t, lines)
	flip := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[i] ^= 0x55
		return b
	}
	tests := []struct {
		name   string
		data   []byte
		format string
		is     error // nil: any error
		all    bool  // every byte comes out before the error
	}{
		{"gzip checksum", flip(gz, len(gz)-6), FormatGzip, gzip.ErrChecksum, true},
		{"gzip size", flip(gz, len(gz)-2), FormatGzip, gzip.ErrChecksum, true},
		{"gzip method", flip(gz, 2), FormatGzip, gzip.ErrHeader, false},
		{"gzip data", flip(gz, len(gz)/2), FormatGzip, nil, false},
		{"gzip then garbage", cat(gz, []byte("garbage after the stream\n")), FormatGzip, gzip.ErrHeader, true},
		{"gzip then plain JSON", cat(gz, lines), FormatGzip, gzip.ErrHeader, true},
		{"zstd checksum", flip(zs, len(zs)-1), FormatZstd, nil, false},
		{"zstd data", flip(zs, len(zs)/2), FormatZstd, nil, false},
		{"zstd frame header", flip(zs, 4), FormatZstd, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openAs(t, "a.log", tt.data, tt.format)
			defer f.Close()
			got, err := readAll(t, f)
			var de *DecompressError
			if !errors.As(err, &de) || de.Format != tt.format {
				t.Fatalf("Read error %v, want a *DecompressError", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Read error %v, want %v", err, tt.is)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("Read error %v wraps io.ErrUnexpectedEOF: the data is corrupt, not cut short", err)
			}
			if tt.all && !bytes.Equal(got, lines) {
				t.Errorf("read %d bytes, want all %d before the error", len(got), len(lines))
			}
			if !tt.all && len(got) == len(lines) && bytes.Equal(got, lines) && tt.is == gzip.ErrHeader {
				t.Errorf("read everything despite a bad header")
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.log")
	_, err := Open(&Source{Path: missing})
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != missing+": no such file or directory" {
		t.Errorf("Open(missing) error %v, want %s: no such file or directory", err, missing)
	}

	f, err := Open(writeFile(t, "a.log", []byte("line\n")))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Read(make([]byte, 10)); n != 0 || !errors.Is(err, os.ErrClosed) {
		t.Errorf("Read after Close = %d, %v; want 0, os.ErrClosed", n, err)
	}
}

func TestOpenDirectoryReadError(t *testing.T) {
	f, err := Open(&Source{Path: t.TempDir()})
	if err != nil {
		return // the system refuses to open a directory: fine
	}
	defer f.Close()
	_, err = readAll(t, f)
	if err == nil || err == io.EOF {
		t.Errorf("reading a directory gave %v, want an error", err)
	}
}

// TestCompressedOffsetGrows checks the offset moves with reading, well
// before the end, and never passes the file's size.
func TestCompressedOffsetGrows(t *testing.T) {
	lines := auditLines(20000)
	gz := gzipped(t, lines)
	f, err := Open(writeFile(t, "a.log.gz", gz))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	var last int64
	moves := 0
	for {
		_, err := f.Read(buf)
		off := f.CompressedOffset()
		if off < last || off > int64(len(gz)) {
			t.Fatalf("CompressedOffset() = %d after %d, file of %d bytes", off, last, len(gz))
		}
		if off > last {
			moves++
		}
		last = off
		if err != nil {
			break
		}
	}
	if last != int64(len(gz)) || moves < 2 {
		t.Errorf("CompressedOffset() ended at %d after %d moves, want %d after several", last, moves, len(gz))
	}
}

// FuzzOpen checks that any content opens, reads without panicking, ends in
// io.EOF or a *DecompressError, and comes out unchanged when plain.
func FuzzOpen(f *testing.F) {
	line := auditLines(3)
	gz := gzipped(f, line)
	zs := zstded(f, line)
	for _, seed := range [][]byte{nil, line, gz, gz[:len(gz)/2], cat(gz, gz), zs, zs[:len(zs)-3], {0x1f, 0x8b}} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := Open(&Source{Path: p})
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		got, err := io.ReadAll(io.LimitReader(file, 1<<20))
		var de *DecompressError
		switch {
		case file.Format() == FormatPlain:
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("plain file read as %q, %v", got, err)
			}
		case err != nil && !errors.As(err, &de):
			t.Fatalf("Read error %v is not a *DecompressError", err)
		}
	})
}

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "auditlog")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// A gzip file whose name does not say so.
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	io.WriteString(w, `{"kind":"Event","auditID":"1"}`+"\n")
	w.Close()
	path := filepath.Join(dir, "master-0-audit.log")
	os.WriteFile(path, b.Bytes(), 0o644)

	f, err := Open(&Source{Path: path})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	fmt.Printf("%s %q %v\n", f.Format(), data, err)
	// Output:
	// gzip "{\"kind\":\"Event\",\"auditID\":\"1\"}\n" <nil>
}

// BenchmarkOpenGzip measures decompression, in uncompressed MB/s, of an
// 8 MB gzip file of audit lines.
func BenchmarkOpenGzip(b *testing.B) {
	lines := auditLines(17700) // about 8 MB, 16x smaller gzipped
	benchmarkOpen(b, lines, gzipped(b, lines))
}

// BenchmarkOpenZstd is BenchmarkOpenGzip for zstd.
func BenchmarkOpenZstd(b *testing.B) {
	lines := auditLines(17700)
	benchmarkOpen(b, lines, zstded(b, lines))
}

// BenchmarkOpenPlain is BenchmarkOpenGzip for plain text.
func BenchmarkOpenPlain(b *testing.B) {
	lines := auditLines(17700)
	benchmarkOpen(b, lines, lines)
}

func benchmarkOpen(b *testing.B, lines, data []byte) {
	src := writeFile(b, "a.log", data)
	buf := make([]byte, 64<<10)
	b.SetBytes(int64(len(lines)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Open(src)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, buf)
		if err != nil || n != int64(len(lines)) {
			b.Fatalf("read %d bytes, %v; want %d", n, err, len(lines))
		}
		f.Close()
	}
}

// openAs writes data to a file called name, opens it and checks that it is
// read as format.
func openAs(t *testing.T, name string, data []byte, format string) *File {
	t.Helper()
	f, err := Open(writeFile(t, name, data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Format() != format {
		t.Errorf("Format() = %q, want %q", f.Format(), format)
	}
	return f
}

// TestOpenReusesClosed: files opened one after the other, each while the
// one before is closed half read, closed whole or closed after a
// failure, read what they hold, whatever buffer and decompressor they
// are given again; a closed file still says how far it got and reads
// nothing more.
func TestOpenReusesClosed(t *testing.T) {
	lines := auditLines(3000)
	gz := gzipped(t, lines)
	cut := gz[:len(gz)/2]
	for i := range 12 {
		data, wantErr := gz, false
		if i%4 == 3 {
			data, wantErr = cut, true
		}
		f, err := Open(writeFile(t, "a.log.gz", data))
		if err != nil {
			t.Fatal(err)
		}
		if i%4 == 1 {
			// Closed half read.
			if _, err := f.Read(make([]byte, 4096)); err != nil {
				t.Fatal(err)
			}
			at := f.CompressedOffset()
			f.Close()
			if got := f.CompressedOffset(); got != at {
				t.Errorf("file %d: CompressedOffset() = %d once closed, %d before", i, got, at)
			}
			if n, err := f.Read(make([]byte, 10)); n != 0 || err == nil {
				t.Errorf("file %d: Read after Close = %d, %v; want 0 and an error", i, n, err)
			}
			continue
		}
		out, err := readAll(t, f)
		switch {
		case wantErr && err == io.EOF, !wantErr && err != io.EOF:
			t.Errorf("file %d: read ended with %v", i, err)
		case !wantErr && !bytes.Equal(out, lines):
			t.Errorf("file %d: read %d bytes, want %d", i, len(out), len(lines))
		case wantErr && !bytes.HasPrefix(lines, out):
			t.Errorf("file %d: read %d bytes that are not the start of the data", i, len(out))
		}
		at := f.CompressedOffset()
		f.Close()
		if got := f.CompressedOffset(); got != at || (!wantErr && got != int64(len(data))) {
			t.Errorf("file %d: CompressedOffset() = %d once closed, %d before, file of %d bytes", i, got, at, len(data))
		}
	}
}
