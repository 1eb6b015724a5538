package main

import (
	"runtime/debug"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// stampedVersion is the release's version, set when the binary is built
// by scripts/release.sh (-ldflags "-X main.stampedVersion=v1.2.3"); empty
// otherwise.
var stampedVersion string

// version is what --version prints: the program, its version, the VCS
// revision it was built from when the build recorded one, and the Go
// version. The version is the stamped one for a release ("kubectl-audit
// v1.2.3 go1.26.0"), the module's for go install ...@v1.2.3, and for a
// build of a checkout either its revision ("kubectl-audit (devel) rev
// 5ff4a7a1c2d3 2026-11-29T13:45:10Z, modified go1.26.0") or, when the
// build recorded none (-buildvcs=false, a source tree without .git), a
// sentence that says so rather than a bare "(devel)"; then the gzip
// inflater built in ("gzip by klauspost/compress", or "gzip by isa-l"
// with the build tag isal).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	return describeVersion(stampedVersion, info) + ", gzip by " + auditlog.Inflater()
}

// unstampedVersion is the version of a build that recorded neither a
// release version nor a VCS revision.
const unstampedVersion = "devel, built from source without a version or VCS revision (build a release with scripts/release.sh)"

// describeVersion is version's text for a stamped version (may be empty)
// and build info.
func describeVersion(stamped string, info *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	rev := settings["vcs.revision"]
	var b strings.Builder
	b.WriteString("kubectl-audit ")
	switch {
	case stamped != "":
		b.WriteString(stamped)
	case info.Main.Version != "" && info.Main.Version != "(devel)":
		b.WriteString(info.Main.Version)
	case rev != "":
		b.WriteString("(devel)")
	default:
		b.WriteString(unstampedVersion)
	}
	if rev != "" {
		b.WriteString(" rev " + rev)
		if t := settings["vcs.time"]; t != "" {
			b.WriteString(" " + t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", modified")
		}
	}
	if info.GoVersion != "" {
		b.WriteString(" " + info.GoVersion)
	}
	return b.String()
}
