package batch

import "testing"

func TestFull(t *testing.T) {
	for _, c := range []struct {
		n, keyBytes int
		want        bool
	}{
		{0, 0, false},
		{Max - 1, Bytes - 1, false},
		{Max, 0, true},
		{1, Bytes, true},
		{1, Bytes + 100, true},
	} {
		if got := Full(c.n, c.keyBytes); got != c.want {
			t.Errorf("Full(%d, %d) = %v, want %v", c.n, c.keyBytes, got, c.want)
		}
	}
}

func TestEmptied(t *testing.T) {
	small := make([]byte, 10, Keep)
	if got := Emptied(small); len(got) != 0 || cap(got) != Keep || &got[:1][0] != &small[0] {
		t.Errorf("a buffer of Keep bytes: len %d, cap %d, want the same array emptied", len(got), cap(got))
	}
	if got := Emptied(make([]byte, 10, Keep+1)); got != nil {
		t.Errorf("a buffer past Keep: cap %d, want it let go", cap(got))
	}
	if got := Emptied(nil); len(got) != 0 {
		t.Errorf("nil: len %d", len(got))
	}
}
