//go:build isal && cgo

package isal

import (
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"testing"
)

func deflated(t *testing.T, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// TestInflateInPieces feeds a stream in pieces of every size to outputs of
// every size: the same bytes, CRC32 and size, and the input consumed up to
// the stream's end once the held bits are given back.
func TestInflateInPieces(t *testing.T) {
	var plain bytes.Buffer
	for i := range 1500 {
		fmt.Fprintf(&plain, `{"auditID":"%d","verb":"get","user":{"username":"u-%d"}}`+"\n", i, i%17)
	}
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.BestCompression} {
		stream := deflated(t, plain.Bytes(), level)
		after := []byte("trailer!")
		in := append(bytes.Clone(stream), after...)
		for _, pieces := range [][2]int{{1, 1}, {3, 100}, {4096, 7}, {len(in), 1 << 20}} {
			z := New()
			var out []byte
			buf := make([]byte, pieces[1])
			pos := 0
			var s Step
			for !s.Finished {
				s = z.Inflate(in[pos:min(pos+pieces[0], len(in))], buf)
				if s.Corrupt != 0 {
					t.Fatalf("level %d, pieces %v: corrupt (%d) at %d", level, pieces, s.Corrupt, pos)
				}
				if s.In == 0 && s.Out == 0 && !s.Finished && pos >= len(in) {
					t.Fatalf("level %d, pieces %v: no progress at %d", level, pieces, pos)
				}
				pos += s.In
				out = append(out, buf[:s.Out]...)
			}
			if end := pos - s.HeldBits/8; end != len(stream) {
				t.Errorf("level %d, pieces %v: stream ends at %d, want %d", level, pieces, end, len(stream))
			}
			if !bytes.Equal(out, plain.Bytes()) || s.CRC != crc32.ChecksumIEEE(plain.Bytes()) || s.Size != uint32(plain.Len()) {
				t.Errorf("level %d, pieces %v: %d bytes, CRC %08x, size %d; want %d, %08x", level, pieces, len(out), s.CRC, s.Size, plain.Len(), crc32.ChecksumIEEE(plain.Bytes()))
			}
		}
	}
}

func TestInflateCorrupt(t *testing.T) {
	z := New()
	// A block of the reserved type 3.
	if s := z.Inflate([]byte{0x07, 0, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 100)); s.Corrupt == 0 {
		t.Errorf("reserved block type: %+v, want corrupt", s)
	}
	z.Reset()
	s := z.Inflate(deflated(t, []byte("again"), 6), make([]byte, 100))
	if !s.Finished || s.Out != 5 {
		t.Errorf("after Reset: %+v, want the 5 bytes of a finished stream", s)
	}
}

// BenchmarkInflate decodes a raw deflate stream of audit-like JSON lines
// (BestSpeed, as rotated audit logs are written) into outputs of 256 KiB,
// the size of the reader's blocks, with input in pieces of 256 KiB, the
// size of its reads from disk: bytes/s of output, the inflater's own cost
// without the gzip framing.
func BenchmarkInflate(b *testing.B) {
	var plain bytes.Buffer
	for i := range 40000 {
		fmt.Fprintf(&plain, `{"auditID":"%08x","verb":"get","requestURI":"/api/v1/namespaces/ns-%d/pods/p-%d","user":{"username":"u-%d"},"stageTimestamp":"2021-03-09T14:07:%02d.%06dZ"}`+"\n",
			uint32(i)*2654435761, i%37, i%101, i%17, i%60, i*13%1000000)
	}
	var stream bytes.Buffer
	w, _ := flate.NewWriter(&stream, flate.BestSpeed)
	w.Write(plain.Bytes())
	w.Close()
	in := stream.Bytes()
	out := make([]byte, 256<<10)
	z := New()
	b.SetBytes(int64(plain.Len()))
	for b.Loop() {
		z.Reset()
		pos, n := 0, 0
		for {
			s := z.Inflate(in[pos:min(pos+256<<10, len(in))], out)
			pos += s.In
			n += s.Out
			if s.Corrupt != 0 {
				b.Fatalf("corrupt (%d) at %d", s.Corrupt, pos)
			}
			if s.Finished {
				break
			}
		}
		if n != plain.Len() {
			b.Fatalf("%d bytes, want %d", n, plain.Len())
		}
	}
}
