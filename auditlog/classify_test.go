package auditlog

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// classifyAgrees checks classify against classifyGeneric on data.
func classifyAgrees(t *testing.T, data []byte) {
	t.Helper()
	var c classes
	if !c.classify(data) {
		t.Skip("no fast classifier on this machine")
	}
	n := (len(data) + 63) / 64
	padded := make([]byte, n*64)
	copy(padded, data)
	want := make([]uint64, n)
	classifyGeneric(padded, want)
	if rest := len(data) % 64; rest != 0 {
		want[n-1] &= 1<<rest - 1
	}
	for w := range n {
		if c.special[w] != want[w] {
			t.Fatalf("word %d of %q:\n got %064b\nwant %064b", w, data[w*64:min(len(data), w*64+64)], c.special[w], want[w])
		}
	}
}

func TestClassify(t *testing.T) {
	every := make([]byte, 512)
	for i := range every {
		every[i] = byte(i)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4099)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	json := bytes.Repeat([]byte(`{"a":["b\"\\",{"c":[]}],"\u00e9":"\x01é"}`), 20)
	for name, data := range map[string][]byte{
		"every byte": every,
		"random":     random,
		"json":       json,
		"257 quotes": bytes.Repeat([]byte{'"'}, 257),
	} {
		t.Run(name, func(t *testing.T) {
			for _, n := range []int{minClassify, minClassify + 1, minClassify + 63, len(data)} {
				if n <= len(data) {
					classifyAgrees(t, data[:n])
				}
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(bytes.Repeat([]byte(`{"k":"v\\"}[]`), 30))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < minClassify {
			data = append(bytes.Repeat([]byte{' '}, minClassify-len(data)), data...)
		}
		classifyAgrees(t, data)
	})
}

// classifyLineAgrees checks classifyLine on data against finding the
// line's end with bytes.IndexByte and classifying the line with
// classifyGeneric, and classifyLineBlocks against classifyLineGeneric.
func classifyLineAgrees(t *testing.T, data []byte) {
	t.Helper()
	wantN, wantEnded := bytes.IndexByte(data, '\n'), true
	if wantN < 0 {
		wantN, wantEnded = len(data), false
	}
	var c classes
	c.special = []uint64{^uint64(0)} // left over from a line before
	n, ended := c.classifyLine(data)
	if n != wantN || ended != wantEnded {
		t.Fatalf("classifyLine(%q) = %d, %v; want %d, %v", data, n, ended, wantN, wantEnded)
	}
	words := (n + 63) / 64
	padded := make([]byte, words*64)
	copy(padded, data[:n])
	want := make([]uint64, words)
	classifyGeneric(padded, want)
	if r := n % 64; r != 0 {
		want[words-1] &= 1<<r - 1
	}
	if len(c.special) != words {
		t.Fatalf("%d words for a line of %d bytes, want %d", len(c.special), n, words)
	}
	for w := range words {
		if c.special[w] != want[w] {
			t.Fatalf("word %d of a line of %d bytes:\n got %064b\nwant %064b", w, n, c.special[w], want[w])
		}
	}
	whole := len(data) &^ 63
	if whole == 0 {
		return
	}
	got, ref := make([]uint64, whole/64), make([]uint64, whole/64)
	k, wantK := classifyLineBlocks(data[:whole], got), classifyLineGeneric(data[:whole], ref)
	if k != wantK || !slices.Equal(got[:k], ref[:k]) {
		t.Fatalf("classifyLineBlocks = %d runs %x, want %d runs %x", k, got[:k], wantK, ref[:wantK])
	}
}

// TestClassifyLine puts a line's end at every offset of the first runs of
// a text (and none), in JSON, in random bytes and after a carriage
// return, with more lines after it.
func TestClassifyLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 9000)
	for i := range random {
		if random[i] = byte(rng.Uint32()); random[i] == '\n' {
			random[i] = 'n'
		}
	}
	json := bytes.Repeat([]byte(`{"a":["b\"\\",{"c":[]}],"\u00e9":"\x01é\r"}`), 200)
	for name, text := range map[string][]byte{"random": random, "json": json} {
		t.Run(name, func(t *testing.T) {
			for _, size := range []int{0, 1, 63, 64, 65, 300, 4096, 4097, 5000, len(text)} {
				data := slices.Clone(text[:size])
				classifyLineAgrees(t, data) // no line end
				for at := range min(size, 300) {
					data := slices.Clone(data)
					data[at] = '\n'
					if at+1 < size {
						data[at+1] = '\n' // an empty line after it
					}
					classifyLineAgrees(t, data)
				}
				if size > 4200 {
					data[4200] = '\n' // past a first pass of lineRuns
					classifyLineAgrees(t, data)
				}
			}
		})
	}
}

func FuzzClassifyLine(f *testing.F) {
	f.Add([]byte("{\"k\":\"v\\\\\"}\r\n{}\n"))
	f.Add(bytes.Repeat([]byte("{\"k\":\"v\"}\n"), 30))
	f.Fuzz(func(t *testing.T, data []byte) {
		classifyLineAgrees(t, data)
	})
}

func TestNextBit(t *testing.T) {
	m := []uint64{1 << 3, 0, 1<<63 | 1<<5}
	for _, c := range []struct{ i, want int }{
		{0, 3}, {3, 3}, {4, 128 + 5}, {128 + 5, 128 + 5}, {128 + 6, 128 + 63}, {191, 191}, {192, 999}, {500, 999},
	} {
		if got := nextBit(m, c.i, 999); got != c.want {
			t.Errorf("nextBit(%d) = %d, want %d", c.i, got, c.want)
		}
	}
}

// BenchmarkClassifyLines classifies a block of lines of about 1 KiB, one
// call a line, as the decoder does: the cost of a call shows here, not in
// a benchmark of one long text.
func BenchmarkClassifyLines(b *testing.B) {
	data := make([]byte, blockSize)
	for i := range data {
		data[i] = byte('a' + i%26)
		if i%1100 == 1099 {
			data[i] = '\n'
		}
	}
	var c classes
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for d := data; len(d) > 0; {
			n, _ := c.classifyLine(d)
			d = d[min(n+1, len(d)):]
		}
	}
}
