// Package follow reads API server audit log files as they grow and across
// their rotation, the way tail -F does, handing whole lines to its caller
// and never the same line twice.
//
// [Follow] takes a file or a directory. A file is followed by its name:
// when the API server rotates it (lumberjack renames audit.log to
// audit-2026-01-02T15-04-05.000.log and creates a new audit.log), the
// renamed file is read to its end through the descriptor already open,
// so that lines written to it after the rename are not missed, and the
// new file is read from its start. A file that shrinks (copytruncate) is
// read again from its start, and the truncation is reported.
//
// A directory is followed file by file: each live audit log in it
// (NAME.log that is not a rotated name, nor termination.log, startup.log or
// lock.log) is followed as above, and one that appears later (a second API
// server's log) is picked up and read from its start. Rotated files
// (NAME-STAMP.log, NAME-STAMP.log.gz, NAME.log.N, NAME.log.N.gz,
// NAME.log-DATE) are read only when [Options.FromStart] asks for what is
// already there: oldest first, a compressed one decompressed, a file and
// its .gz copy (being compressed) read once, before the live file. Rotated
// files that appear while following are the followed files under another
// name (or copies of them) and are not read again; a file already open
// that appears under another live name (renamed back, or a hard link) is
// read on from where it was, under one name.
//
// Nothing read is lost without a trace: a line longer than
// [Options.MaxLine], a truncation, a file that vanished before it could be
// read, a damaged gzip stream, an incomplete last line of a finished file,
// a file that cannot be read and a directory entry that is not followed
// are each reported as a [Problem] to [Options.OnProblem] and counted in
// [Options.Stats].
//
// Follow polls; it starts no goroutine, and it keeps open the files it
// reads, so that their data stays readable and their identity cannot be
// reused. A file renamed away or deleted is read until it has been idle
// for two polls and at least a second (four polls when that is longer),
// then closed: a writer still writing to it later is not followed.
// Truncation is told by the file being shorter than what was read; one
// that is truncated and grows back past that point between two polls is
// not noticed.
package follow
