package auditlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/internal/lognames"
)

// Reasons a file found by Find is not read (Source.Skip).
const (
	skipTermination = "termination log"
	skipStartup     = "startup log"
	skipLock        = "lock file"
	skipListing     = "audit_logs listing"
	skipHidden      = "hidden file"
	skipHiddenDir   = "hidden directory"
	skipName        = "not an audit log name"
	skipNotRegular  = "not a regular file"
	skipDirLink     = "symbolic link to a directory"
	skipBrokenLink  = "broken symbolic link"
	skipOutside     = "outside audit_logs"
	skipUnfinished  = "unfinished export file"
)

// auditLogsDir is the folder under which must-gather puts one folder per
// API server.
const auditLogsDir = "audit_logs"

// Find lists the audit log files of paths, in order, the way -f names them.
// Each path is a file or a directory; a must-gather root is just a
// directory, in which the walk finds every audit_logs/SERVER folder.
//
// A file named in paths is always read (its Source.Skip is empty), whatever
// its name, even when it is not a regular file (a pipe such as /dev/stdin).
// Symbolic links in paths are followed. The path Stdin ("-") is standard
// input, listed once however often it is named.
//
// A directory is walked recursively, in filepath.WalkDir order (by name
// within each directory, depth first), so a node's rotated logs
// (NODE-audit-2021-...log.gz) come before its live NODE-audit.log. Symbolic
// links to files are followed; symbolic links to directories are not
// (they are listed, skipped). A file found by a walk is read when its name
// ends in .log, .log.N (logrotate), .gz, .zst, .json, .jsonl or .parquet
// (an export: see package export; what a file holds is told by its content
// when it is read, not by its name), or has no extension; it is listed
// with a Skip reason and not read when:
//   - its name is termination*.log, startup*.log or lock.log, or ends in
//     .audit_logs_listing (must-gather bookkeeping);
//   - it is under a folder etcd or monitoring that sits directly in an
//     audit_logs folder;
//   - it is hidden (.name); a hidden directory is listed once and not
//     walked; an export's unfinished files (.NAME.parquet.tmp) say so;
//   - it is not a regular file, or is a broken symbolic link;
//   - the walked directory holds an audit_logs folder (it is a must-gather
//     root) and the file is not under any audit_logs folder (timestamp,
//     gather-debug.log...);
//   - any other name: "not an audit log name".
//
// Source.Server is the nearest enclosing folder named after an API server
// (kube-apiserver, openshift-apiserver, oauth-apiserver, oauth-server),
// looked for in the absolute path; Source.Node comes from the file name
// (see nodeFromName).
//
// The manifest (_auditlens_export.json) and the _SUCCESS marker of an
// export are not listed.
//
// A file reached twice (named twice, or named and found by a walk, or
// through a link) is listed once, where it was first found; if it was
// skipped there but is named later, it is read.
//
// A path that does not exist is an error naming the path that wraps the
// cause (errors.Is(err, fs.ErrNotExist)). A directory that cannot be
// listed is itself listed, to be read: the reader reports it unreadable
// (a Report's Unreadable problem), with the answer from the rest.
func Find(paths ...string) ([]Source, error) {
	var l sourceList
	for _, p := range paths {
		if err := l.addRoot(p); err != nil {
			return nil, err
		}
	}
	return l.sources, nil
}

// sourceList collects sources without duplicates.
type sourceList struct {
	sources []Source
	infos   []fs.FileInfo   // infos[i] is sources[i]'s file, to find duplicates
	bySize  map[int64][]int // indices into sources by file size
}

// add appends src unless its file is already listed. A skipped duplicate
// changes nothing; a read one clears the Skip of the earlier listing.
func (l *sourceList) add(src Source, info fs.FileInfo) {
	if info != nil {
		for _, i := range l.bySize[info.Size()] {
			if os.SameFile(l.infos[i], info) {
				if src.Skip == "" {
					l.sources[i].Skip = ""
				}
				return
			}
		}
		if l.bySize == nil {
			l.bySize = make(map[int64][]int)
		}
		l.bySize[info.Size()] = append(l.bySize[info.Size()], len(l.sources))
	}
	l.sources = append(l.sources, src)
	l.infos = append(l.infos, info)
}

// addRoot adds one path given to Find.
func (l *sourceList) addRoot(p string) error {
	if p == Stdin {
		if !slices.ContainsFunc(l.sources, func(s Source) bool { return s.Path == Stdin }) {
			l.add(Source{Path: Stdin}, nil)
		}
		return nil
	}
	info, err := os.Stat(p)
	if err != nil {
		return pathError(p, err)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return pathError(p, err)
	}
	if !info.IsDir() {
		l.add(Source{
			Path:   p,
			Server: serverOf(filepath.Dir(abs)),
			Node:   nodeFromName(filepath.Base(p)),
			Size:   info.Size(),
		}, info)
		return nil
	}
	w := walker{readDir: os.ReadDir}
	inAudit := false
	for _, dir := range strings.Split(filepath.ToSlash(abs), "/") {
		if dir == auditLogsDir {
			inAudit = true
		}
	}
	if err := w.walk(p, dirState{server: serverOf(abs), inAudit: inAudit}); err != nil {
		return err
	}
	for i := range w.found {
		f := &w.found[i]
		if w.sawAuditLogs && !f.inAudit && f.src.Skip == "" {
			f.src.Skip = skipOutside
		}
		l.add(f.src, f.info)
	}
	return nil
}

// pathError names p in err, keeping the cause: "p: no such file or
// directory" rather than "stat p: ...".
func pathError(p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", p, err)
}

// dirState is what a directory passes down to what it holds.
type dirState struct {
	server  Server
	inAudit bool // under an audit_logs folder
	skip    string
}

// walker walks one directory given to Find.
type walker struct {
	readDir      func(dir string) ([]fs.DirEntry, error) // os.ReadDir
	found        []foundFile
	sawAuditLogs bool // an audit_logs folder is below root
}

// foundFile is a file found by a walk.
type foundFile struct {
	src     Source
	info    fs.FileInfo
	inAudit bool
}

// walk lists the files below dir, which is in state st.
func (w *walker) walk(dir string, st dirState) error {
	entries, err := w.readDir(dir)
	if err != nil {
		// Listed to be read: opening it fails, and the reader reports it
		// unreadable with the rest of the answer.
		w.found = append(w.found, foundFile{src: Source{Path: dir, Server: st.server}, inAudit: st.inAudit})
		return nil
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		name := e.Name()
		if e.IsDir() {
			if strings.HasPrefix(name, ".") {
				w.found = append(w.found, foundFile{src: Source{Path: p, Server: st.server, Skip: skipHiddenDir}, inAudit: st.inAudit})
				continue
			}
			if err := w.walk(p, w.enter(dir, name, st)); err != nil {
				return err
			}
			continue
		}
		if isExportBookkeeping(name) {
			continue
		}
		w.found = append(w.found, w.file(p, e, st))
	}
	return nil
}

// isExportBookkeeping reports whether a file found by a walk is the
// manifest, the _SUCCESS marker or the lock of an export (see package
// export), which are not input and are not listed at all.
func isExportBookkeeping(name string) bool {
	return name == "_SUCCESS" || name == "_auditlens_export.json" || name == ".auditlens_export.lock"
}

// enter returns the state of the folder name inside dir, which is in st.
func (w *walker) enter(dir, name string, st dirState) dirState {
	if s := Server(name); isServer(s) {
		st.server = s
	}
	switch {
	case name == auditLogsDir:
		st.inAudit = true
		w.sawAuditLogs = true
	case (name == "etcd" || name == "monitoring") && filepath.Base(dir) == auditLogsDir && st.skip == "":
		st.skip = "under " + auditLogsDir + "/" + name
	}
	return st
}

// file describes the file p, found by a walk in a folder in state st.
func (w *walker) file(p string, e fs.DirEntry, st dirState) foundFile {
	name := e.Name()
	f := foundFile{src: Source{Path: p, Server: st.server, Node: nodeFromName(name), Skip: st.skip}, inAudit: st.inAudit}
	var err error
	if e.Type()&fs.ModeSymlink != 0 {
		f.info, err = os.Stat(p)
		switch {
		case err != nil:
			f.src.Skip = skipBrokenLink
			return f
		case f.info.IsDir():
			f.src.Skip = skipDirLink
			return f
		}
	} else if f.info, err = e.Info(); err != nil {
		// Removed since the directory was read: list it, skipped.
		f.src.Skip = skipNotRegular
		return f
	}
	f.src.Size = f.info.Size()
	if f.src.Skip == "" {
		f.src.Skip = skipReason(name)
	}
	if f.src.Skip == "" && !f.info.Mode().IsRegular() {
		f.src.Skip = skipNotRegular
	}
	return f
}

// skipReason says why a file with this name, found by a walk, is not read;
// "" if it is.
func skipReason(name string) string {
	switch {
	case strings.HasSuffix(name, ".parquet.tmp"):
		return skipUnfinished
	case strings.HasPrefix(name, "."):
		return skipHidden
	case strings.HasSuffix(name, ".audit_logs_listing"):
		return skipListing
	case name == "lock.log" || strings.HasSuffix(name, "-lock.log"):
		return skipLock
	case isNamed(name, "termination"):
		return skipTermination
	case isNamed(name, "startup"):
		return skipStartup
	case isLogName(name):
		return ""
	}
	return skipName
}

// isNamed reports whether name is a log called word, alone or after a
// node name, as must-gather writes them: termination.log,
// termination-2021-03-09.log, NODE-termination.log.
func isNamed(name, word string) bool {
	if !strings.HasSuffix(name, ".log") {
		return false
	}
	return strings.HasPrefix(name, word) || strings.Contains(name, "-"+word)
}

// isLogName reports whether a file name looks like an audit log's.
func isLogName(name string) bool {
	if !strings.Contains(name, ".") {
		return true
	}
	for _, ext := range []string{".log", ".gz", ".zst", ".json", ".jsonl", ".parquet"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	_, ok := cutRotation(name)
	return ok
}

// isServer reports whether s is one of the known API servers.
func isServer(s Server) bool {
	switch s {
	case ServerKube, ServerOpenShift, ServerOAuthAPI, ServerOAuth:
		return true
	}
	return false
}

// serverOf returns the server named by the nearest folder of dir (an
// absolute path, dir itself included) named after one.
func serverOf(dir string) Server {
	for {
		if s := Server(filepath.Base(dir)); isServer(s) {
			return s
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ServerUnknown
		}
		dir = parent
	}
}

// nodeFromName returns the node that wrote an audit log, from the log's file
// name (no directory): NODE-audit.log for a live log,
// NODE-audit-2021-03-09T14-07-27.129.log for a rotated one, either one
// possibly followed by a logrotate number (.1) and by .gz or .zst. Node
// names hold dashes, so the -audit part is matched from the right. Other
// names (audit.log, audit-2021-03-09T14-07-27.129.log, events.json) give
// "". The node, when there is one, is always a prefix of name.
func nodeFromName(name string) string {
	stem := name
	for _, ext := range []string{".gz", ".zst"} {
		if s, ok := strings.CutSuffix(stem, ext); ok {
			stem = s
			break
		}
	}
	if s, ok := cutRotation(stem); ok {
		stem = s
	}
	stem, ok := strings.CutSuffix(stem, ".log")
	if !ok {
		return ""
	}
	i := strings.LastIndex(stem, "audit")
	if i <= 1 || stem[i-1] != '-' {
		return ""
	}
	if rest := stem[i+len("audit"):]; rest != "" {
		if stamp, ok := strings.CutPrefix(rest, "-"); !ok || !lognames.IsStamp(stamp) {
			return ""
		}
	}
	return stem[:i-1]
}

// cutRotation removes a logrotate number from NAME.log.N, returning
// NAME.log and true; it returns name and false for other names.
func cutRotation(name string) (string, bool) {
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || dot == len(name)-1 || !strings.HasSuffix(name[:dot], ".log") {
		return name, false
	}
	for _, c := range name[dot+1:] {
		if c < '0' || c > '9' {
			return name, false
		}
	}
	return name[:dot], true
}
