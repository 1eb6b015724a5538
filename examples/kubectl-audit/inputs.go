package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
)

// defaultArtifactRegex picks audit logs in --artifact-dir, as the
// reference tool does.
const defaultArtifactRegex = `.*audit.*.log(.gz)?`

// inputs lists the sources to read: the -f values (split at commas), the
// positional arguments, and the files of --artifact-dir that match
// --artifact-regex.
func (o *options) inputs(args []string) ([]auditlog.Source, error) {
	paths, err := filter.SplitValues("filename", o.filenames)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	paths = append(paths, args...)
	if o.artifactRegex != "" && o.artifactDir == "" {
		return nil, usageErrorf("--artifact-regex needs --artifact-dir")
	}
	if o.artifactDir != "" {
		found, err := artifactFiles(o.artifactDir, o.artifactRegex)
		if err != nil {
			return nil, err
		}
		paths = append(paths, found...)
	}
	if len(paths) == 0 {
		return nil, usageErrorf("no input: give audit log files or directories with -f")
	}
	sources, err := auditlog.Find(paths...)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read audit logs: %v (no such file or directory)", strings.TrimSuffix(err.Error(), ": no such file or directory"))
		}
		return nil, fmt.Errorf("cannot read audit logs: %w", err)
	}
	for _, s := range sources {
		if s.Skip == "" {
			return sources, nil
		}
	}
	return nil, fmt.Errorf("no audit log files found in %s", strings.Join(paths, ", "))
}

// artifactFiles lists the files below dir whose path matches expr.
func artifactFiles(dir, expr string) ([]string, error) {
	if expr == "" {
		expr = defaultArtifactRegex
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, usageErrorf("invalid --artifact-regex value %q: %v", expr, err)
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && re.MatchString(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read --artifact-dir: %w", err)
	}
	return files, nil
}
