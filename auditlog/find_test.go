package auditlog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// makeTree creates the files under root, each with its own path as
// content; a name ending in / is an empty directory, and "link -> target"
// is a symbolic link.
func makeTree(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, name := range names {
		p := filepath.Join(root, filepath.FromSlash(strings.TrimSuffix(name, "/")))
		if link, target, ok := strings.Cut(p, " -> "); ok {
			p = link
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// src is the Source expected for the file name, made by makeTree, below
// root.
func src(root, name string, server Server, node, skip string) Source {
	s := Source{Path: filepath.Join(root, filepath.FromSlash(name)), Server: server, Node: node, Skip: skip}
	if skip != skipHiddenDir && skip != skipDirLink && skip != skipBrokenLink {
		s.Size = int64(len(name))
	}
	return s
}

// mustGather is a must-gather of audit logs, as gather_audit_logs makes it.
var mustGather = []string{
	"mg/timestamp",
	"mg/gather-debug.log",
	"mg/quay-io-x/audit_logs/kube-apiserver.audit_logs_listing",
	"mg/quay-io-x/audit_logs/kube-apiserver/ci-ln-abc-master-0-audit-2021-03-09T14-07-27.129.log.gz",
	"mg/quay-io-x/audit_logs/kube-apiserver/ci-ln-abc-master-0-audit.log",
	"mg/quay-io-x/audit_logs/kube-apiserver/ci-ln-abc-master-1-audit.log",
	"mg/quay-io-x/audit_logs/kube-apiserver/termination.log",
	"mg/quay-io-x/audit_logs/kube-apiserver/lock.log",
	"mg/quay-io-x/audit_logs/kube-apiserver/.audit.log.swp",
	"mg/quay-io-x/audit_logs/openshift-apiserver/ci-ln-abc-master-0-audit.log",
	"mg/quay-io-x/audit_logs/oauth-apiserver/master-0-audit-2021-03-09T14-07-27.129.log.zst",
	"mg/quay-io-x/audit_logs/oauth-server/ip-10-0-1-2.ec2.internal-audit.log",
	"mg/quay-io-x/audit_logs/oauth-server/startup.log",
	"mg/quay-io-x/audit_logs/oauth-server/termination-1.log",
	"mg/quay-io-x/audit_logs/etcd/master-0-audit.log",
	"mg/quay-io-x/audit_logs/monitoring/prometheus.log",
	"mg/quay-io-x/audit_logs/notes.txt",
	"mg/quay-io-x/audit_logs/extra/audit.log",
	"mg/quay-io-x/audit_logs/.git/",
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, mustGather...)
	makeTree(t, root,
		"plain/audit.log",
		"plain/audit.log.1",
		"plain/audit-2021-03-09T14-07-27.129.log.gz",
		"plain/events.json",
		"plain/events.jsonl",
		"plain/noext",
		"plain/readme.md",
		"plain/.hidden.log",
		"plain/.cache/",
		"plain/sub/kube-apiserver/m-0-audit.log",
		"plain/sub/kube-apiserver/deeper/m-1-audit.log",
		"other/x.txt",
		"other/kube-apiserver/m-2-audit.log",
		"links/file.log -> ../plain/audit.log",
		"links/dir -> ../plain",
		"links/gone.log -> ../nowhere.log",
	)
	mg := filepath.Join(root, "mg")
	al := "mg/quay-io-x/audit_logs/"
	tests := []struct {
		name  string
		paths []string
		want  []Source
	}{
		{
			name:  "must-gather root",
			paths: []string{mg},
			want: []Source{
				src(root, "mg/gather-debug.log", "", "", skipOutside),
				src(root, al+".git", "", "", skipHiddenDir),
				src(root, al+"etcd/master-0-audit.log", "", "master-0", "under audit_logs/etcd"),
				src(root, al+"extra/audit.log", "", "", ""),
				src(root, al+"kube-apiserver/.audit.log.swp", ServerKube, "", skipHidden),
				src(root, al+"kube-apiserver/ci-ln-abc-master-0-audit-2021-03-09T14-07-27.129.log.gz", ServerKube, "ci-ln-abc-master-0", ""),
				src(root, al+"kube-apiserver/ci-ln-abc-master-0-audit.log", ServerKube, "ci-ln-abc-master-0", ""),
				src(root, al+"kube-apiserver/ci-ln-abc-master-1-audit.log", ServerKube, "ci-ln-abc-master-1", ""),
				src(root, al+"kube-apiserver/lock.log", ServerKube, "", skipLock),
				src(root, al+"kube-apiserver/termination.log", ServerKube, "", skipTermination),
				src(root, al+"kube-apiserver.audit_logs_listing", "", "", skipListing),
				src(root, al+"monitoring/prometheus.log", "", "", "under audit_logs/monitoring"),
				src(root, al+"notes.txt", "", "", skipName),
				src(root, al+"oauth-apiserver/master-0-audit-2021-03-09T14-07-27.129.log.zst", ServerOAuthAPI, "master-0", ""),
				src(root, al+"oauth-server/ip-10-0-1-2.ec2.internal-audit.log", ServerOAuth, "ip-10-0-1-2.ec2.internal", ""),
				src(root, al+"oauth-server/startup.log", ServerOAuth, "", skipStartup),
				src(root, al+"oauth-server/termination-1.log", ServerOAuth, "", skipTermination),
				src(root, al+"openshift-apiserver/ci-ln-abc-master-0-audit.log", ServerOpenShift, "ci-ln-abc-master-0", ""),
				src(root, "mg/timestamp", "", "", skipOutside),
			},
		},
		{
			name:  "server folder",
			paths: []string{filepath.Join(root, al, "oauth-server")},
			want: []Source{
				src(root, al+"oauth-server/ip-10-0-1-2.ec2.internal-audit.log", ServerOAuth, "ip-10-0-1-2.ec2.internal", ""),
				src(root, al+"oauth-server/startup.log", ServerOAuth, "", skipStartup),
				src(root, al+"oauth-server/termination-1.log", ServerOAuth, "", skipTermination),
			},
		},
		{
			name:  "inside a server folder",
			paths: []string{filepath.Join(root, "plain/sub/kube-apiserver/deeper")},
			want: []Source{
				src(root, "plain/sub/kube-apiserver/deeper/m-1-audit.log", ServerKube, "m-1", ""),
			},
		},
		{
			name:  "plain directory",
			paths: []string{filepath.Join(root, "plain")},
			want: []Source{
				src(root, "plain/.cache", "", "", skipHiddenDir),
				src(root, "plain/.hidden.log", "", "", skipHidden),
				src(root, "plain/audit-2021-03-09T14-07-27.129.log.gz", "", "", ""),
				src(root, "plain/audit.log", "", "", ""),
				src(root, "plain/audit.log.1", "", "", ""),
				src(root, "plain/events.json", "", "", ""),
				src(root, "plain/events.jsonl", "", "", ""),
				src(root, "plain/noext", "", "", ""),
				src(root, "plain/readme.md", "", "", skipName),
				src(root, "plain/sub/kube-apiserver/deeper/m-1-audit.log", ServerKube, "m-1", ""),
				src(root, "plain/sub/kube-apiserver/m-0-audit.log", ServerKube, "m-0", ""),
			},
		},
		{
			name: "named files are read whatever their name",
			paths: []string{
				filepath.Join(root, "other/x.txt"),
				filepath.Join(root, al, "kube-apiserver/termination.log"),
				filepath.Join(root, "plain/.hidden.log"),
			},
			want: []Source{
				src(root, "other/x.txt", "", "", ""),
				src(root, al+"kube-apiserver/termination.log", ServerKube, "", ""),
				src(root, "plain/.hidden.log", "", "", ""),
			},
		},
		{
			name: "duplicates listed once, where first found",
			paths: []string{
				filepath.Join(root, "other/kube-apiserver/m-2-audit.log"),
				filepath.Join(root, "other"),
				root + "/other/kube-apiserver/../kube-apiserver/m-2-audit.log",
				filepath.Join(root, "other"),
			},
			want: []Source{
				src(root, "other/kube-apiserver/m-2-audit.log", ServerKube, "m-2", ""),
				src(root, "other/x.txt", "", "", skipName),
			},
		},
		{
			name: "a skipped file named later is read",
			paths: []string{
				filepath.Join(root, "other"),
				filepath.Join(root, "other/x.txt"),
			},
			want: []Source{
				src(root, "other/kube-apiserver/m-2-audit.log", ServerKube, "m-2", ""),
				src(root, "other/x.txt", "", "", ""),
			},
		},
		{
			name:  "symbolic links",
			paths: []string{filepath.Join(root, "links")},
			want: []Source{
				src(root, "links/dir", "", "", skipDirLink),
				{Path: filepath.Join(root, "links/file.log"), Size: int64(len("plain/audit.log"))},
				src(root, "links/gone.log", "", "", skipBrokenLink),
			},
		},
		{
			name: "a link and its target are one file",
			paths: []string{
				filepath.Join(root, "links/file.log"),
				filepath.Join(root, "plain/audit.log"),
			},
			want: []Source{
				{Path: filepath.Join(root, "links/file.log"), Size: int64(len("plain/audit.log"))},
			},
		},
		{
			name:  "a path through a link to a directory is walked",
			paths: []string{filepath.Join(root, "links/dir/sub")},
			want: []Source{
				{Path: filepath.Join(root, "links/dir/sub/kube-apiserver/deeper/m-1-audit.log"), Server: ServerKube, Node: "m-1", Size: int64(len("plain/sub/kube-apiserver/deeper/m-1-audit.log"))},
				{Path: filepath.Join(root, "links/dir/sub/kube-apiserver/m-0-audit.log"), Server: ServerKube, Node: "m-0", Size: int64(len("plain/sub/kube-apiserver/m-0-audit.log"))},
			},
		},
		{
			name:  "empty directory",
			paths: []string{filepath.Join(root, "plain/.cache")},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Find:\n%s\nwant:\n%s", formatSources(got), formatSources(tt.want))
			}
		})
	}
}

func formatSources(sources []Source) string {
	var b strings.Builder
	for _, s := range sources {
		fmt.Fprintf(&b, "\t%+v\n", s)
	}
	return b.String()
}

func TestFindRelativePaths(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "audit_logs/kube-apiserver/m-0-audit.log", "audit_logs/kube-apiserver/termination.log")
	t.Chdir(filepath.Join(root, "audit_logs/kube-apiserver"))
	got, err := Find(".", "m-0-audit.log")
	if err != nil {
		t.Fatal(err)
	}
	want := []Source{
		{Path: "m-0-audit.log", Server: ServerKube, Node: "m-0", Size: int64(len("audit_logs/kube-apiserver/m-0-audit.log"))},
		{Path: "termination.log", Server: ServerKube, Size: int64(len("audit_logs/kube-apiserver/termination.log")), Skip: skipTermination},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find:\n%s\nwant:\n%s", formatSources(got), formatSources(want))
	}
}

func TestFindErrors(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "a/audit.log")
	missing := filepath.Join(root, "missing.log")
	tests := []struct {
		name  string
		paths []string
		is    error
		text  string
	}{
		{"missing file", []string{filepath.Join(root, "a"), missing}, fs.ErrNotExist, missing + ": no such file or directory"},
		{"missing under a file", []string{filepath.Join(root, "a/audit.log/x")}, nil, filepath.Join(root, "a/audit.log/x") + ": not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(tt.paths...)
			if err == nil {
				t.Fatalf("Find = %v, want an error", got)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if err.Error() != tt.text {
				t.Errorf("error %q, want %q", err, tt.text)
			}
			if got != nil {
				t.Errorf("Find returned %v with its error", got)
			}
		})
	}
}

// TestWalkUnreadableDirectory: a directory that cannot be listed is
// listed itself, to be read (and reported unreadable), and the walk goes
// on.
func TestWalkUnreadableDirectory(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "a/audit.log", "a/b/audit.log", "a/c/audit.log")
	bad := filepath.Join(root, "a/b")
	w := walker{readDir: func(dir string) ([]fs.DirEntry, error) {
		if dir == bad {
			return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrPermission}
		}
		return os.ReadDir(dir)
	}}
	if err := w.walk(filepath.Join(root, "a"), dirState{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range w.found {
		if f.src.Skip != "" {
			t.Errorf("%s skipped: %s", f.src.Path, f.src.Skip)
		}
		rel, _ := filepath.Rel(root, f.src.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	if want := []string{"a/audit.log", "a/b", "a/c/audit.log"}; !slices.Equal(got, want) {
		t.Errorf("found %v, want %v", got, want)
	}
}

// TestReadUnreadableDirectory: a directory listed as a source (one Find
// could not list) is an unreadable file of the report, and the other
// sources are read.
func TestReadUnreadableDirectory(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "a/b/x")
	sources, err := Find("../testdata/must-gather/audit_logs/kube-apiserver/ip-10-0-142-86.ec2.internal-audit.log")
	if err != nil {
		t.Fatal(err)
	}
	sources = append(sources, Source{Path: filepath.Join(root, "a/b")})
	r := NewReader(sources, Options{})
	n := 0
	for range r.All() {
		n++
	}
	rep := r.Report()
	if n == 0 || rep.Problems[Unreadable].Count != 1 || rep.Lost(Unreadable) != 1 || !rep.Partial() {
		t.Errorf("%d events, unreadable %+v", n, rep.Problems[Unreadable])
	}
}

func TestNodeFromName(t *testing.T) {
	tests := []struct{ name, node string }{
		{"ci-ln-abc-master-0-audit-2021-03-09T14-07-27.129.log.gz", "ci-ln-abc-master-0"},
		{"ci-ln-abc-master-0-audit-2021-03-09T14-07-27.129.log", "ci-ln-abc-master-0"},
		{"ci-ln-abc-master-0-audit-2021-03-09T14-07-27.129.log.zst", "ci-ln-abc-master-0"},
		{"ci-ln-abc-master-0-audit.log", "ci-ln-abc-master-0"},
		{"ci-ln-abc-master-0-audit.log.gz", "ci-ln-abc-master-0"},
		{"master-0-audit.log.1", "master-0"},
		{"master-0-audit.log.2.gz", "master-0"},
		{"ip-10-0-1-2.ec2.internal-audit.log", "ip-10-0-1-2.ec2.internal"},
		{"audit-master-audit.log", "audit-master"},
		{"m-audit-audit.log", "m-audit"},
		{"audit.log", ""},
		{"audit.log.gz", ""},
		{"audit-2021-03-09T14-07-27.129.log", ""},
		{"audit-2021-03-09T14-07-27.129.log.gz", ""},
		{"-audit.log", ""},
		{"x-audit", ""},
		{"x-audit.json", ""},
		{"master-0-audit-old.log", ""},
		{"master-0-audit-.log", ""},
		{"master-0-auditlog.log", ""},
		{"master-0audit.log", ""},
		{"master-0-audit.log.x", ""},
		{"events.json", ""},
		{"termination.log", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := nodeFromName(tt.name); got != tt.node {
			t.Errorf("nodeFromName(%q) = %q, want %q", tt.name, got, tt.node)
		}
	}
}

func FuzzNodeFromName(f *testing.F) {
	for _, s := range []string{"m-0-audit.log", "m-0-audit-2021-03-09T14-07-27.129.log.gz", "audit.log", "a-audit.log.1.zst"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		node := nodeFromName(name)
		if !strings.HasPrefix(name, node) {
			t.Fatalf("nodeFromName(%q) = %q, not a prefix", name, node)
		}
		if node != "" && !strings.Contains(name[len(node):], "-audit") {
			t.Fatalf("nodeFromName(%q) = %q, not followed by -audit", name, node)
		}
	})
}

func TestSkipReason(t *testing.T) {
	tests := []struct{ name, skip string }{
		{"m-0-audit.log", ""},
		{"m-0-audit-2021-03-09T14-07-27.129.log.gz", ""},
		{"audit.log.zst", ""},
		{"audit.log.12", ""},
		{"k8s.json", ""},
		{"k8s.jsonl", ""},
		{"auditlog", ""},
		{"termination.log", skipTermination},
		{"termination-2.log", skipTermination},
		{"startup.log", skipStartup},
		{"lock.log", skipLock},
		{"kube-apiserver.audit_logs_listing", skipListing},
		{".audit.log", skipHidden},
		{"notes.txt", skipName},
		{"audit.log.bak", skipName},
		{"audit.log.", skipName},
		{"terminationlog", ""},
	}
	for _, tt := range tests {
		if got := skipReason(tt.name); got != tt.skip {
			t.Errorf("skipReason(%q) = %q, want %q", tt.name, got, tt.skip)
		}
	}
}

func ExampleFind() {
	dir, err := os.MkdirTemp("", "must-gather")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	kube := filepath.Join(dir, "audit_logs", "kube-apiserver")
	os.MkdirAll(kube, 0o755)
	os.WriteFile(filepath.Join(kube, "master-0-audit-2021-03-09T14-07-27.129.log.gz"), nil, 0o644)
	os.WriteFile(filepath.Join(kube, "master-0-audit.log"), nil, 0o644)
	os.WriteFile(filepath.Join(kube, "termination.log"), nil, 0o644)

	sources, err := Find(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sources {
		rel, _ := filepath.Rel(dir, s.Path)
		fmt.Printf("%s server=%s node=%q skip=%q\n", filepath.ToSlash(rel), s.Server, s.Node, s.Skip)
	}
	// Output:
	// audit_logs/kube-apiserver/master-0-audit-2021-03-09T14-07-27.129.log.gz server=kube-apiserver node="master-0" skip=""
	// audit_logs/kube-apiserver/master-0-audit.log server=kube-apiserver node="master-0" skip=""
	// audit_logs/kube-apiserver/termination.log server=kube-apiserver node="" skip="termination log"
}

// TestFindCorpus finds the committed corpus: every data file is read, the
// notes are not, and every file opens as plain text of its own size.
func TestFindCorpus(t *testing.T) {
	sources, err := Find(filepath.Join("..", "testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for i := range sources {
		s := &sources[i]
		if filepath.Base(s.Path) == "SOURCES.md" {
			if s.Skip != skipName {
				t.Errorf("%s: Skip %q, want %q", s.Path, s.Skip, skipName)
			}
			continue
		}
		// test-audit.log is named like NODE-audit.log: node "test".
		if s.Skip != "" || s.Server != ServerUnknown || s.Node != nodeFromName(filepath.Base(s.Path)) {
			t.Errorf("%+v: want read, no server, the node of its name", *s)
			continue
		}
		read++
		f, err := Open(s)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, f)
		f.Close()
		if err != nil || n != s.Size || f.Format() != FormatPlain {
			t.Errorf("%s: read %d bytes of %d as %s, %v", s.Path, n, s.Size, f.Format(), err)
		}
	}
	if read != 52 {
		t.Errorf("read %d files of the corpus, want the 52 data files of SOURCES.md", read)
	}
}
