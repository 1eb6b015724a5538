// Package export writes audit events as Parquet files that DuckDB, Spark,
// Trino, ClickHouse, Athena or BigQuery read as they are, and that
// auditlog reads back as a source when package auditlog/parquetsource is
// imported (auditlog.Find recognises them by their content), faster than
// the logs they came from.
//
// An export is a directory of Hive-style partitions, with the partition
// keys in the path only, and in each a file per worker and audit log read:
//
//	OUT/cluster=NAME/date=YYYY-MM-DD/hour=HH/part-RUN-WORKER-SEQ.parquet
//
// where date and hour are the UTC date and hour of each event's
// requestReceivedTimestamp. The schema is one row per event; see
// docs/parquet.md for its columns and for queries in each engine.
//
// A [Writer] owns the export directory; each worker of an
// auditlog.Scan writes through a [Sink] of its own ([Writer.Sink]),
// so that workers share no lock. Files are written under temporary hidden
// names and renamed into place only when the whole export is closed
// ([Writer.Close]): an export cut short leaves no file a reader takes for
// complete. Memory is bounded: each sink buffers rows up to a row group's
// size per open partition, with a budget over all of them, and keeps a
// bounded number of files open.
package export
