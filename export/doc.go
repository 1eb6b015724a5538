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
// names, synced to disk, and renamed into place only when the whole export
// is closed ([Writer.Close]), their folders synced after; then the
// manifest ([ManifestName]: every file with its rows, the time span, the
// sources read, the filter, the tool's version, what could not be read)
// replaces the one before, and the empty [SuccessName] marker is written,
// last, as Spark's and Hadoop's committers write it. An export cut short
// at any point is either the export as it was or one without _SUCCESS, or
// whose files are not those of its manifest: [Verify] tells it.
//
// Engines that read the Parquet files by themselves should check for
// _SUCCESS first: in a shell, test -e DIR/_SUCCESS before DuckDB's
// read_parquet('DIR/**/*.parquet', hive_partitioning = true); in Spark,
// FileSystem.exists(new Path(dir, "_SUCCESS")) before
// spark.read.parquet(dir); for Trino (Hive connector over the
// directory), the job that registers the partitions checks it first.
// Spark, Hive and Trino skip files whose names start with '_' or '.',
// so the manifest, the marker and the unfinished files are never read as
// data.
//
// Appending ([Options.Append]) records each source read in the
// manifest ([SourceRecord]), so that a source exported before is told
// ([Writer.Exported]): the caller refuses or skips it, and of a log grown
// since exports only the new lines ([Writer.SkipLines]). Memory is bounded: each sink buffers rows up to a row group's
// size per open partition, with a budget over all of them, and keeps a
// bounded number of files open.
package export
