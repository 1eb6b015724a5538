package format

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/auditlens/auditlens/export"
)

// WriteExport writes what an export wrote, in one line:
//
//	exported 22250 events to 12 Parquet files (3.1 MB, 12 row groups) in out/cluster=lab
func WriteExport(w io.Writer, r export.Result) error {
	_, err := fmt.Fprintf(w, "exported %d events to %d Parquet files (%s, %d row groups) in %s\n",
		r.Rows, r.Files, megabytes(r.Bytes), r.RowGroups, Sanitize(filepath.Join(r.Dir, "cluster="+r.Cluster)))
	return err
}

// megabytes prints n bytes in MB (10^6 bytes), or in kB below one.
func megabytes(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
