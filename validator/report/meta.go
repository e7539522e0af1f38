package report

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// EmbeddedR4 describes the R4 core definitions built into fhirlens.
func EmbeddedR4() Package {
	return Package{Name: "hl7.fhir.r4.core", Version: "4.0.1", SHA256: definitions.R4Digest()}
}

// PackageOf reads the name and version of a FHIR package (.tgz) from its
// package/package.json and hashes the file.
func PackageOf(tgz []byte) (Package, error) {
	p := Package{SHA256: Hash(tgz)}
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return p, fmt.Errorf("not a FHIR package (.tgz): %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return p, errors.New("not a FHIR package: no package/package.json")
		}
		if err != nil {
			return p, fmt.Errorf("not a FHIR package (.tgz): %w", err)
		}
		if h.Name != "package/package.json" {
			continue
		}
		var m struct{ Name, Version string }
		if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil {
			return p, fmt.Errorf("package/package.json: %w", err)
		}
		p.Name, p.Version = m.Name, m.Version
		return p, nil
	}
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
