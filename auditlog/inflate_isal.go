//go:build isal && cgo

package auditlog

import (
	"bufio"
	"io"
	"sync"

	"github.com/auditlens/auditlens/internal/isal"
)

func init() {
	gunzip = isalGunzip
}

// isalCallOut bounds the bytes one call into ISA-L writes: about 9 µs of
// inflating, less than the 20 µs after which the Go scheduler hands the
// processor of a goroutine still in a cgo call to another thread (a
// thread switch each time, and the scheduler's monitor kept awake). Calls
// of a whole 256 KiB block were handed off nearly every time: with 16 KiB,
// on a 400,000-request must-gather, half the futex calls and sleeps, and
// 0.96x the CPU time of --by=user -otop, 0.93x that of -o findings.
const isalCallOut = 16 << 10

// isalGunzip inflates with ISA-L.
var isalGunzip = gunzipper{name: InflaterISAL, newReader: newISALReader, done: isalDone}

// isalInflaters are the inflaters of closed files, to reuse.
var isalInflaters sync.Pool // of *isal.Inflater

// isalReader reads a gzip stream of one or more members: the headers and
// trailers here (gzipframe_isal.go), the deflate data with ISA-L, fed from
// the file's buffer without a copy.
type isalReader struct {
	r *bufio.Reader
	z *isal.Inflater
	// inDeflate: the current member's deflate data is being read; else its
	// trailer, then the next member's header, come next.
	inDeflate bool
	// consumed counts the bytes of the member's deflate data consumed, for
	// the offset of a corrupt-input error.
	consumed int64
	// held counts the bytes ISA-L consumed and holds undecoded, at the
	// front of the buffer.
	held int
	// crc and size are the CRC32 and the length (modulo 2^32) of what the
	// member decoded to, which its trailer must give.
	crc  uint32
	size uint32
	err  error // sticky
	// corrupt is the error of corrupt deflate data, returned once the
	// bytes decoded before it are out.
	corrupt error
}

func newISALReader(r *bufio.Reader) (io.Reader, error) {
	if err := readGzipHeader(r); err != nil {
		return nil, err
	}
	z, _ := isalInflaters.Get().(*isal.Inflater)
	if z == nil {
		z = isal.New()
	} else {
		z.Reset()
	}
	return &isalReader{r: r, z: z, inDeflate: true}, nil
}

// isalDone is isalGunzip's done: the inflater goes to the next file.
func isalDone(r io.Reader) {
	if z, ok := r.(*isalReader); ok && z.z != nil {
		isalInflaters.Put(z.z)
		z.z = nil
	}
}

// Read reads uncompressed bytes: it returns as soon as some are decoded, or
// with the first failure, which sticks.
func (z *isalReader) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if z.corrupt != nil {
		n, left := z.z.Drain(p)
		if left == 0 {
			z.err = z.corrupt
			return n, z.err
		}
		return n, nil
	}
	for {
		if !z.inDeflate {
			if z.err = z.nextMember(); z.err != nil {
				return 0, z.err
			}
			continue
		}
		n, err := z.inflate(p)
		if err != nil {
			z.err = err
			return n, err
		}
		if n > 0 {
			return n, nil
		}
	}
}

// inflate decodes once what the buffer holds (filling it when it holds
// nothing new) and returns the bytes written. At the end of the member's
// deflate data it leaves inDeflate false, with the trailer unread.
//
// ISA-L reads its input up to 8 bytes ahead of what it decoded; those
// bytes (held) stay in the buffer until they are decoded, so that the
// trailer is read from the buffer, and CompressedOffset is where decoding
// is.
func (z *isalReader) inflate(p []byte) (int, error) {
	in, err := z.input()
	if err != nil && err != io.EOF {
		return 0, err
	}
	s := z.z.Inflate(in, p[:min(len(p), isalCallOut)])
	held := s.HeldBits / 8
	z.r.Discard(z.held + s.In - held)
	z.consumed += int64(s.In)
	z.held = held
	z.crc, z.size = s.CRC, s.Size
	switch {
	case s.Corrupt != 0:
		// The offset is that of the byte being decoded, in the member's
		// deflate data, as flate reports it. What was decoded before
		// the damage comes out first.
		err := corruptDeflate(z.consumed - int64(held))
		if s.Pending > 0 {
			z.corrupt = err
			return s.Out, nil
		}
		return s.Out, err
	case s.Finished:
		z.inDeflate = false
		z.held = 0
	case s.Out == 0 && s.In == 0 && err == io.EOF:
		// The input ended inside the deflate data, and every byte it
		// held is out.
		z.r.Discard(z.held)
		return 0, io.ErrUnexpectedEOF
	case s.Out == 0 && s.In == 0:
		// Input and room, and no progress: never seen, but a loop
		// here would never end.
		return 0, corruptDeflate(z.consumed - int64(held))
	}
	return s.Out, nil
}

// input is what the buffer holds after the held bytes, read from the file
// first when it holds nothing more; io.EOF when the file has no more.
func (z *isalReader) input() ([]byte, error) {
	if z.r.Buffered() <= z.held {
		if _, err := z.r.Peek(z.held + 1); err != nil {
			return nil, err
		}
	}
	b, _ := z.r.Peek(z.r.Buffered())
	return b[z.held:], nil
}

// nextMember reads the trailer of the member whose deflate data ended, then
// the next member's header: io.EOF when none follows.
func (z *isalReader) nextMember() error {
	if err := readGzipTrailer(z.r, z.crc, z.size); err != nil {
		return err
	}
	if err := readGzipHeader(z.r); err != nil {
		return err
	}
	z.z.Reset()
	z.consumed, z.crc, z.size = 0, 0, 0
	z.inDeflate = true
	return nil
}
