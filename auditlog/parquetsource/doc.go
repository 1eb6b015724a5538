// Package parquetsource lets package auditlog read the Parquet files of an
// export (package export): importing it, for its effect alone, registers
// the format with auditlog.
//
//	import _ "github.com/auditlens/auditlens/auditlog/parquetsource"
//
// Without it, auditlog links no Parquet library, and reports a Parquet
// source as unreadable, saying which package reads it. Package query, and
// so the kubectl-audit command, imports it.
//
// A reader reads only the columns of the fields it was asked for
// (auditlog.Options.Fields), skips the row groups whose time statistics
// fall outside Options.Since and Options.Until, and, for Sorted, merges the
// row groups of every file by time.
package parquetsource
