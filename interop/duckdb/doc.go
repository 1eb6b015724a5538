// Package duckdb checks that DuckDB reads an auditlens Parquet export as
// the library reads the logs it came from: its test exports the committed
// sample must-gather and a generated one as two clusters of one export,
// asks DuckDB the support lab's questions (through
// github.com/duckdb/duckdb-go/v2, with TimeZone UTC and explicit Hive
// partition types) and asserts the same counts, integer sums, minima,
// maxima and exact percentiles as the library's.
//
// It is a module of its own so that the library stays pure Go: DuckDB
// needs cgo and a C++ toolchain. Run it with
//
//	cd interop/duckdb && go test ./...
package duckdb
