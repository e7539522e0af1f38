package validator

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir finds the reference data (../shared from the module root, or
// $FHIRLENS_SHARED). Without it a test skips, except in CI where it fails.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("FHIRLENS_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data not found at %s (set FHIRLENS_SHARED): %v", dir, err)
		}
		t.Skipf("reference data not found at %s; set FHIRLENS_SHARED", dir)
	}
	return dir
}

// packageFile is one JSON file of a FHIR package.
type packageFile struct {
	Name string
	Data []byte
}

// readPackage returns the JSON files of a .tgz package in archive order.
func readPackage(t testing.TB, path string) []packageFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out []packageFile
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".json") || strings.HasSuffix(h.Name, "package.json") || strings.Contains(h.Name, ".index.json") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, packageFile{Name: strings.TrimPrefix(h.Name, "package/"), Data: data})
	}
	return out
}
