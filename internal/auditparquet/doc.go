// Package auditparquet is the Parquet form of an audit event, shared by the
// writer (package export) and the reader (package auditlog): the row schema
// ([Row], one row per event, snake_case columns), the file metadata that
// marks a file as ours ([SchemaKey], [ClusterKey]), the writing of
// events as rows, buffered column by column and written as sorted row
// groups ([Batch], [WriteRowGroup]), and a reader that decodes the rows of a row
// group back into events, reading only the columns asked for
// ([File.ReadRowGroup]).
//
// The schema is written with the widest compatibility in mind (DuckDB,
// Spark, Trino, ClickHouse, Athena, BigQuery): data page v1, zstd,
// dictionary encoding for low-cardinality strings and PLAIN for the others,
// timestamps as INT64 timestamp(microsecond) adjusted to UTC, lists and
// maps required (never null), everything else that an event may lack
// optional. Partition keys (cluster, date, hour) are in the path only; the
// cluster name is also in the file metadata.
//
// The package knows nothing of package auditlog, which imports it: what it
// needs of a parsed requestURI comes in a [Request].
package auditparquet
