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
	var want classes
	for _, m := range []*[]uint64{&want.quote, &want.backslash, &want.special, &want.bracket} {
		*m = make([]uint64, n)
	}
	classifyGeneric(padded, want.quote, want.backslash, want.special, want.bracket)
	if rest := len(data) % 64; rest != 0 {
		want.special[n-1] &= 1<<rest - 1
	}
	for w := range n {
		got := [4]uint64{c.quote[w], c.backslash[w], c.special[w], c.bracket[w]}
		exp := [4]uint64{want.quote[w], want.backslash[w], want.special[w], want.bracket[w]}
		if got != exp {
			t.Fatalf("word %d of %q:\n got quote, backslash, special, bracket %064b\nwant %064b",
				w, data[w*64:min(len(data), w*64+64)], got, exp)
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

func TestEscapes(t *testing.T) {
	for _, c := range []struct {
		backslash, carry, escaped, next uint64
	}{
		{0, 0, 0, 0},
		{0, 1, 1, 0},
		{1, 0, 1 << 1, 0},                    // \x
		{1 | 1<<1, 0, 1 << 1, 0},             // \\ escapes the second backslash only
		{1 | 1<<1 | 1<<2, 0, 1<<1 | 1<<3, 0}, // \\\x
		{1, 1, 1, 0},                         // the carried escape takes the first backslash
		{1 << 63, 0, 0, 1},
		{1<<62 | 1<<63, 0, 1 << 63, 0},
	} {
		escaped, next := escapes(c.backslash, c.carry)
		if escaped != c.escaped || next != c.next {
			t.Errorf("escapes(%b, %d) = %b, %d; want %b, %d", c.backslash, c.carry, escaped, next, c.escaped, c.next)
		}
	}
}

func TestPrefixXor(t *testing.T) {
	for _, c := range []struct{ quotes, inside uint64 }{
		{0, 0},
		{1<<2 | 1<<5, 1<<2 | 1<<3 | 1<<4},
		{1 << 60, 0xf << 60},
		{1 | 1<<1 | 1<<63, 1 | 1<<63}, // a quote opens and closes at once
	} {
		if got := prefixXor(c.quotes); got != c.inside {
			t.Errorf("prefixXor(%b) = %b, want %b", c.quotes, got, c.inside)
		}
	}
}
