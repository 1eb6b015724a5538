package format

import (
	"io"
	"testing"
)

// BenchmarkWriteHTML writes the page of the golden report (its top 10s):
// the cost of -o html after the counting.
func BenchmarkWriteHTML(b *testing.B) {
	r := htmlReportOf(b, loadEntries(b), "--stage=ResponseComplete", 10)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
