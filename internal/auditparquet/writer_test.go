package auditparquet

import (
	"bytes"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestWriterStatistics: the column chunks keep min and max (a reader
// skips row groups by request_received's, engines by any dictionary
// column's), but for the identifiers and free text of noBounds, and no
// page header repeats them.
func TestWriterStatistics(t *testing.T) {
	data := writeRows(t, testRows())
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, c := range noBounds {
		skipped[c.String()] = true
	}
	for rg, g := range pf.Metadata().RowGroups {
		for _, cc := range g.Columns {
			name := cc.MetaData.PathInSchema[0]
			has := cc.MetaData.Statistics.MinValue != nil || cc.MetaData.Statistics.MaxValue != nil
			switch {
			case skipped[name] && has:
				t.Errorf("row group %d: %s has bounds", rg, name)
			case !skipped[name] && !has && slices.Contains([]string{"request_received", "verb", "username", "resource", "server"}, name):
				t.Errorf("row group %d: %s has no bounds", rg, name)
			}
		}
	}
	// No page header repeats them: walk every page of every chunk.
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, g := range f.pf.Metadata().RowGroups {
		for _, cc := range g.Columns {
			md := &cc.MetaData
			start := md.DataPageOffset
			if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
				start = md.DictionaryPageOffset
			}
			end := start + md.TotalCompressedSize
			for off := start; off < end; {
				h, n, err := f.pageHeader(off, end)
				if err != nil {
					t.Fatal(err)
				}
				if st := h.DataPageHeader.V.Statistics; h.DataPageHeader.Valid && (st.MinValue != nil || st.MaxValue != nil || st.Min != nil || st.Max != nil) {
					t.Errorf("%s: a page header has statistics", md.PathInSchema[0])
				}
				off += int64(n) + int64(h.CompressedPageSize)
				pages++
			}
		}
	}
	if pages == 0 {
		t.Error("no page read")
	}
}
