package auditlog

import (
	"bytes"
	"math/rand/v2"
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
