package report

import (
	"runtime/debug"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// EmbeddedR4 describes the R4 core definitions built into fhirlens.
func EmbeddedR4() Package {
	return Package{Name: "hl7.fhir.r4.core", Version: "4.0.1", SHA256: definitions.R4Digest()}
}

// ToolOf describes this build: the version and commit set at link time
// (make sets both, the same for the CLI and the web app, whose footer shows
// them), else the commit Go stamped into the binary ("+dirty" when built
// from a modified tree), if any.
func ToolOf(version, commit string) Tool {
	t := Tool{Version: version, Commit: commit}
	info, ok := debug.ReadBuildInfo()
	if !ok || commit != "" {
		return t
	}
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			t.Commit = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && t.Commit != "" {
		t.Commit += "+dirty"
	}
	return t
}
