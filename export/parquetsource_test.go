package export_test

// The tests read the Parquet files of an export.
import _ "github.com/auditlens/auditlens/auditlog/parquetsource"
