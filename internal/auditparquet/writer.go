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
	opts := []parquet.WriterOption{
		parquet.DataPageVersion(1),
		parquet.Compression(&pageCodec),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		// Min and max are kept per column chunk and in the column index,
		// not again in each page's header: they cost the writer a second
		// pass over every page's values.
		parquet.DataPageStatistics(false),
		parquet.KeyValueMetadata(SchemaKey, SchemaVersion),
		parquet.KeyValueMetadata(ClusterKey, cluster),
	}
	for _, c := range noBounds {
		opts = append(opts, parquet.SkipPageBounds(c.String()))
	}
	return parquet.NewGenericWriter[*Row](w, opts...)
}

// noBounds are the columns written without min and max: identifiers,
// free text and JSON, unique or nearly so in every row group, where a
// range says nothing a reader could skip by, and the bounds cost a
// comparison of every value.
var noBounds = []Column{ColAuditID, ColRequestURI, ColUserExtra, ColImpersonatedExtra, ColObjectUID,
	ColObjectResourceVersion, ColResponseMessage, ColResponseDetails, ColRequestObject, ColResponseObject}
