//go:build isal && cgo

package isal

/*
#cgo LDFLAGS: -lisal
#include <stddef.h>
#include <string.h>
#include <isa-l/igzip_lib.h>

// step_result is what one call of isal_inflate did.
typedef struct {
	int ret;             // isal_inflate's result: ISAL_DECOMP_OK or an error
	uint32_t in_left;    // bytes of in not consumed
	uint32_t out_left;   // bytes of out not written
	int finished;        // the stream ended and its output is all out
	int32_t bits_held;   // bits read from in and not yet decoded
	int32_t pending;     // bytes decoded and not yet out
	uint32_t crc;        // CRC32 of the output so far
	uint32_t total_out;  // the output so far, modulo 2^32
} step_result;

// drain writes to next_out what was decoded into the temporary buffer and
// is not out yet, as far as there is room.
static void drain(struct inflate_state *s) {
	int32_t pending = s->tmp_out_valid - s->tmp_out_processed;
	if (pending > 0 && s->avail_out > 0) {
		uint32_t n = (uint32_t)pending < s->avail_out ? (uint32_t)pending : s->avail_out;
		memcpy(s->next_out, s->tmp_out_buffer + s->tmp_out_processed, n);
		s->tmp_out_processed += n;
		s->next_out += n;
		s->avail_out -= n;
	}
}

// drain_step drains into out (after corrupt data, when isal_inflate must not
// run again) and says how much is left.
static uint32_t drain_step(struct inflate_state *s, uint8_t *out, uint32_t out_len, int32_t *left) {
	s->next_out = out;
	s->avail_out = out_len;
	drain(s);
	uint32_t written = out_len - s->avail_out;
	s->next_out = NULL;
	*left = s->tmp_out_valid - s->tmp_out_processed;
	return written;
}

// step runs isal_inflate over in and out. The state lives in Go memory,
// which must not keep a pointer into Go memory after the call: both are
// cleared before it returns.
static step_result step(struct inflate_state *s, uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_len) {
	step_result r;
	s->next_in = in;
	s->avail_in = in_len;
	s->next_out = out;
	s->avail_out = out_len;
	r.ret = isal_inflate(s);
	if (r.ret < 0) {
		drain(s);
	}
	r.in_left = s->avail_in;
	r.out_left = s->avail_out;
	r.finished = s->block_state == ISAL_BLOCK_FINISH;
	r.bits_held = s->read_in_length;
	r.pending = s->tmp_out_valid - s->tmp_out_processed;
	r.crc = s->crc;
	r.total_out = s->total_out;
	s->next_in = NULL;
	s->next_out = NULL;
	return r;
}

// start readies s for a raw deflate stream whose CRC32 (gzip's) is
// computed as it is written.
static void start(struct inflate_state *s, int reset) {
	if (reset) {
		isal_inflate_reset(s);
	} else {
		isal_inflate_init(s);
	}
	s->crc_flag = ISAL_GZIP_NO_HDR;
}
*/
import "C"

import "unsafe"

// Inflater decodes one raw deflate stream at a time.
type Inflater struct {
	// state is ISA-L's struct inflate_state, in Go memory that the garbage
	// collector does not scan (step leaves no pointer in it).
	state []byte
}

// Step is what one call of Inflate did.
type Step struct {
	// In and Out are the bytes of input consumed and of output written.
	In, Out int
	// Finished: the stream's last block is decoded and all its output
	// written; the input after it (a gzip trailer) was not consumed.
	Finished bool
	// Corrupt: the data is not valid deflate; ISA-L's error code.
	Corrupt int
	// Pending counts the bytes decoded before corrupt data and not yet
	// written: Drain writes them.
	Pending int
	// HeldBits are the bits consumed from the input but not yet decoded.
	HeldBits int
	// CRC is the CRC32 (IEEE) of the stream's output so far, and Size its
	// length modulo 2^32.
	CRC, Size uint32
}

// New returns an inflater ready for a stream.
func New() *Inflater {
	z := &Inflater{state: make([]byte, C.sizeof_struct_inflate_state)}
	C.start(z.cstate(), 0)
	return z
}

// Reset readies the inflater for the next stream.
func (z *Inflater) Reset() { C.start(z.cstate(), 1) }

func (z *Inflater) cstate() *C.struct_inflate_state {
	return (*C.struct_inflate_state)(unsafe.Pointer(&z.state[0]))
}

// maxLen bounds the input and output of one call (ISA-L counts in 32 bits).
const maxLen = 1 << 30

// Inflate decodes from in into out: it returns when in is consumed, out is
// full, the stream ends, or the data is corrupt. Called with an empty in, it
// writes what it still holds. out must not be empty.
func (z *Inflater) Inflate(in, out []byte) Step {
	in = in[:min(len(in), maxLen)]
	out = out[:min(len(out), maxLen)]
	var inPtr *C.uint8_t
	if len(in) > 0 {
		inPtr = (*C.uint8_t)(unsafe.Pointer(&in[0]))
	}
	r := C.step(z.cstate(), inPtr, C.uint32_t(len(in)), (*C.uint8_t)(unsafe.Pointer(&out[0])), C.uint32_t(len(out)))
	s := Step{
		In:       len(in) - int(r.in_left),
		Out:      len(out) - int(r.out_left),
		Finished: r.finished != 0,
		HeldBits: int(r.bits_held),
		Pending:  int(r.pending),
		CRC:      uint32(r.crc),
		Size:     uint32(r.total_out),
	}
	if r.ret < 0 {
		s.Corrupt = int(r.ret)
	}
	return s
}

// Drain writes into out what was decoded before corrupt data and is not
// written yet, and returns how many bytes it wrote and how many are left.
// After Inflate reported corrupt data, only Drain may be called.
func (z *Inflater) Drain(out []byte) (written, left int) {
	out = out[:min(len(out), maxLen)]
	var l C.int32_t
	n := C.drain_step(z.cstate(), (*C.uint8_t)(unsafe.Pointer(&out[0])), C.uint32_t(len(out)), &l)
	return int(n), int(l)
}
