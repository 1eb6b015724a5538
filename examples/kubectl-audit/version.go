package main

import (
	"runtime/debug"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// version is the module version and the VCS revision the binary was built
// from, as the build info records them: "kubectl-audit v1.2.3" for a
// released module (go install ...@v1.2.3), "kubectl-audit (devel)
// rev 5ff4a7a1c2d3 2026-11-29T13:45:10Z, modified" for a build of a
// checkout; then the gzip inflater built in ("gzip by klauspost/compress",
// or "gzip by isa-l" with the build tag isal).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "kubectl-audit (no build information)"
	}
	var b strings.Builder
	b.WriteString("kubectl-audit ")
	b.WriteString(info.Main.Version)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		b.WriteString(" rev " + rev)
		if t := settings["vcs.time"]; t != "" {
			b.WriteString(" " + t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", modified")
		}
	}
	b.WriteString(" " + info.GoVersion)
	b.WriteString(", gzip by " + auditlog.Inflater())
	return b.String()
}
