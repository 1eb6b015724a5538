package query

// The inputs of a query may be the Parquet files of an export: query reads
// them, and so does every program that runs queries (the command).
import _ "github.com/auditlens/auditlens/auditlog/parquetsource"
