package auditparquet

import (
	"io"

	"github.com/parquet-go/parquet-go"
)

// dictionaryMaxBytes bounds a column chunk's dictionary: past it, the rest
// of the chunk is written PLAIN.
const dictionaryMaxBytes = 4 << 20

// NewWriter returns a writer of rows to w, with the options every reader
// of the schema expects: data page v1, zstd, the dictionaries bounded, the
// schema version and cluster in the file metadata. Each Flush ends a row
// group; the caller writes each row group's rows sorted by
// RequestReceived, which Sorted's merge of a file's row groups relies on.
func NewWriter(w io.Writer, cluster string) *parquet.GenericWriter[*Row] {
	return parquet.NewGenericWriter[*Row](w,
		parquet.DataPageVersion(1),
		parquet.Compression(&pageCodec),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		parquet.KeyValueMetadata(SchemaKey, SchemaVersion),
		parquet.KeyValueMetadata(ClusterKey, cluster),
	)
}
