//go:build !js

package report

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

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
