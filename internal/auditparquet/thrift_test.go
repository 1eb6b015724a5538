package auditparquet

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

func TestCheckThrift(t *testing.T) {
	h := format.PageHeader{Type: format.DataPage, UncompressedPageSize: 10, CompressedPageSize: 8}
	h.DataPageHeader.Valid = true
	h.DataPageHeader.V.NumValues = 3
	h.DataPageHeader.V.Statistics.MinValue = []byte("alpha")
	b, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := checkThrift(append(b, "page data"...)); err != nil || n != len(b) {
		t.Errorf("a page header of %d bytes: %d, %v", len(b), n, err)
	}
	for cut := range len(b) {
		if _, err := checkThrift(b[:cut]); err == nil {
			t.Errorf("a header cut at %d of %d accepted", cut, len(b))
		}
	}
	i := bytes.Index(b, []byte("alpha"))
	long := bytes.Clone(b)
	long[i-1] = 0x7f // a string of 127 bytes, past the end
	if _, err := checkThrift(long); err == nil {
		t.Error("a string longer than the input accepted")
	}
	deep := bytes.Repeat([]byte{0x1c}, 100) // struct in struct in struct...
	if _, err := checkThrift(deep); err == nil {
		t.Error("nesting of 100 structs accepted")
	}
	list := []byte{0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0} // a list of 2^31 i32
	if _, err := checkThrift(list); err == nil {
		t.Error("a list of 2^31 elements in 8 bytes accepted")
	}
}

func TestCheckZstdFrame(t *testing.T) {
	tests := []struct {
		frame []byte
		size  int64
		ok    bool
	}{
		{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0x20, 100}, 100, true},          // single segment, 1-byte size
		{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0x20, 101}, 100, false},         // larger than the page
		{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0x60, 0xff, 0xff}, 65791, true}, // 2-byte size, +256
		{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x80}, 1 << 20, false},
		{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50}, 1 << 20, true},  // window 1 MiB, no size
		{[]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8}, 1 << 20, false}, // window 2^41
		{[]byte("PAR1xx"), 100, false},
	}
	for _, tt := range tests {
		if err := checkZstdFrame(tt.frame, tt.size); (err == nil) != tt.ok {
			t.Errorf("checkZstdFrame(% x, %d) = %v, want ok %v", tt.frame, tt.size, err, tt.ok)
		}
	}
}
