package follow

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// cutResult is what a lineCutter gave: batches and problems.
type cutResult struct {
	batches  []Batch
	problems []Problem
}

// cutAll feeds data to a lineCutter in reads of the given sizes (cycled),
// the cutter's chunk being chunk, and finishes it.
func cutAll(t *testing.T, data []byte, maxLine, chunk int, reads []int) cutResult {
	t.Helper()
	var res cutResult
	s := &sink{
		emit:      func(b Batch) error { res.batches = append(res.batches, b); return nil },
		onProblem: func(p Problem) { res.problems = append(res.problems, p) },
	}
	c := newLineCutter("f", maxLine, 0)
	c.chunk = chunk
	for i, pos := 0, 0; pos < len(data); i++ {
		sp := c.space()
		n := min(len(sp), reads[i%len(reads)], len(data)-pos)
		copy(sp, data[pos:pos+n])
		pos += n
		if err := c.add(n, s); err != nil {
			t.Fatal(err)
		}
	}
	c.finish(s)
	return res
}

// referenceCut is what cutting data must give, worked out line by line:
// the lines kept, and the offsets of the problems (TooLong, then a Partial
// last line).
func referenceCut(data []byte, maxLine int) (kept []byte, tooLong []int64, partial int64) {
	partial = -1
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			if lineTooLong(data[pos:], false, maxLine) {
				tooLong = append(tooLong, int64(pos))
			} else {
				partial = int64(pos)
			}
			break
		}
		line := data[pos : pos+end+1]
		if lineTooLong(line, true, maxLine) {
			tooLong = append(tooLong, int64(pos))
		} else {
			kept = append(kept, line...)
		}
		pos += end + 1
	}
	return kept, tooLong, partial
}

// TestLineCutterDifferential cuts random lines (short, long, CRLF, empty,
// an incomplete last one) in random reads and compares with referenceCut.
// Every batch must be the file's bytes at its offset, whole lines only.
func TestLineCutterDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 1))
	for iter := range 3000 {
		var data []byte
		for range rng.IntN(12) {
			n := rng.IntN(3)
			if rng.IntN(4) == 0 {
				n = rng.IntN(40)
			}
			data = append(data, bytes.Repeat([]byte{'a' + byte(iter%26)}, n)...)
			switch rng.IntN(4) {
			case 0:
				data = append(data, '\r', '\n')
			case 1:
				data = append(data, '\r')
			default:
				data = append(data, '\n')
			}
		}
		if rng.IntN(2) == 0 {
			data = append(data, bytes.Repeat([]byte{'z'}, rng.IntN(20))...)
		}
		maxLine := 1 + rng.IntN(20)
		chunk := 1 + rng.IntN(16)
		reads := []int{1 + rng.IntN(30), 1 + rng.IntN(5)}
		name := fmt.Sprintf("%d: %q maxLine %d chunk %d reads %v", iter, data, maxLine, chunk, reads)

		got := cutAll(t, data, maxLine, chunk, reads)
		kept, tooLong, partial := referenceCut(data, maxLine)
		var lines []byte
		for _, b := range got.batches {
			if len(b.Lines) == 0 || b.Lines[len(b.Lines)-1] != '\n' {
				t.Fatalf("%s: batch %q does not end a line", name, b.Lines)
			}
			if !bytes.Equal(b.Lines, data[b.Offset:b.Offset+int64(len(b.Lines))]) {
				t.Fatalf("%s: batch at %d is %q, not the file's bytes there", name, b.Offset, b.Lines)
			}
			lines = append(lines, b.Lines...)
		}
		if !bytes.Equal(lines, kept) {
			t.Fatalf("%s: lines %q, want %q", name, lines, kept)
		}
		var gotLong []int64
		gotPartial := int64(-1)
		for _, p := range got.problems {
			switch p.Kind {
			case TooLong:
				gotLong = append(gotLong, p.Offset)
			case Partial:
				gotPartial = p.Offset
			default:
				t.Fatalf("%s: unexpected problem %v", name, p)
			}
		}
		if !slices.Equal(gotLong, tooLong) || gotPartial != partial {
			t.Fatalf("%s: too long at %v, partial at %d; want %v, %d", name, gotLong, gotPartial, tooLong, partial)
		}
	}
}

// TestLineCutterCases: the rules one by one.
func TestLineCutterCases(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		maxLine int
		want    []string // batches
		long    []int64
		partial int64
	}{
		{"lines", "a\nbb\n", 10, []string{"a\nbb\n"}, nil, -1},
		{"incomplete last line held", "a\nbb", 10, []string{"a\n"}, nil, 2},
		{"CRLF passed as it is", "a\r\nb\r\n", 10, []string{"a\r\nb\r\n"}, nil, -1},
		{"CR alone does not end a line", "a\rb\n", 10, []string{"a\rb\n"}, nil, -1},
		{"line of exactly maxLine", "abc\nabc\r\n", 3, []string{"abc\nabc\r\n"}, nil, -1},
		{"too long in the middle", "a\nbbbb\nc\n", 3, []string{"a\n", "c\n"}, []int64{2}, -1},
		{"too long first and last", "bbbb\nc\ndddd\n", 3, []string{"c\n"}, []int64{0, 7}, -1},
		{"too long incomplete", "a\nbbbbbbbb", 3, []string{"a\n"}, []int64{2}, -1},
		{"too long then a line", "bbbbbbbbbbbbbbbbbbbbb\nc\n", 3, []string{"c\n"}, []int64{0}, -1},
		{"empty lines", "\n\n", 0, []string{"\n\n"}, nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, read := range []int{1, 2, 5, 1000} {
				got := cutAll(t, []byte(tt.data), tt.maxLine, min(read, 4), []int{read})
				if read == 1000 { // one read of it all: the batches are exactly these
					got = cutAll(t, []byte(tt.data), tt.maxLine, read, []int{read})
				}
				var batches []string
				for _, b := range got.batches {
					batches = append(batches, string(b.Lines))
				}
				var long []int64
				partial := int64(-1)
				for _, p := range got.problems {
					if p.Kind == TooLong {
						long = append(long, p.Offset)
					} else {
						partial = p.Offset
					}
				}
				joined, wantJoined := fmt.Sprint(batches), fmt.Sprint(tt.want)
				if read == 1000 && joined != wantJoined || read < 1000 && concat(batches) != concat(tt.want) {
					t.Errorf("reads of %d: batches %q, want %q", read, batches, tt.want)
				}
				if !slices.Equal(long, tt.long) || partial != tt.partial {
					t.Errorf("reads of %d: too long at %v, partial at %d; want %v, %d", read, long, partial, tt.long, tt.partial)
				}
			}
		})
	}
}

// concat joins strings.
func concat(s []string) string {
	var b bytes.Buffer
	for _, x := range s {
		b.WriteString(x)
	}
	return b.String()
}

// TestLineCutterHandsOver: a batch's bytes are not written again after
// emit returns (Batch.Lines is the receiver's).
func TestLineCutterHandsOver(t *testing.T) {
	var kept []Batch
	s := &sink{emit: func(b Batch) error { kept = append(kept, b); return nil }}
	c := newLineCutter("f", 100, 0)
	c.chunk = 8
	var all []byte
	for i := range 200 {
		line := fmt.Appendf(nil, "line %d\n", i)
		all = append(all, line...)
		for len(line) > 0 {
			sp := c.space()
			n := copy(sp, line[:min(len(line), 3)])
			line = line[n:]
			if err := c.add(n, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []byte
	for _, b := range kept {
		got = append(got, b.Lines...)
	}
	if !bytes.Equal(got, all) {
		t.Fatalf("kept batches changed after emit: %q", got)
	}
}
