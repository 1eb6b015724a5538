package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/auditlens/auditlens/export"
)

// exportRoot returns the export directory p is or is inside: p itself when
// it holds a manifest or a cluster=NAME folder, else the parent of the
// cluster=NAME folder among p's folders (p named a partition); false when
// p is no directory of an export.
func exportRoot(p string) (string, bool) {
	info, err := os.Stat(p)
	if err != nil || !info.IsDir() {
		return "", false
	}
	if export.IsExport(p) {
		return p, true
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	for d := abs; ; d = filepath.Dir(d) {
		if strings.HasPrefix(filepath.Base(d), "cluster=") {
			return filepath.Dir(d), true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}
