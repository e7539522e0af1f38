// Package sharedtest gives tests the project's reference data (the official
// FHIR packages, the FHIRPath suite, the Synthea corpus): $FHIRLENS_SHARED,
// or ../shared beside the module root. Missing data skips a test, except
// with CI=true, where it fails: CI must never pass by skipping.
package sharedtest

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root is the module root (the folder holding go.mod).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Path is where the reference data should be, without checking.
func Path() string {
	if dir := os.Getenv("FHIRLENS_SHARED"); dir != "" {
		return dir
	}
	return filepath.Join(Root(), "..", "shared")
}

// Dir returns the reference data folder, or skips (fails in CI) without it.
func Dir(t testing.TB) string {
	t.Helper()
	dir := Path()
	if _, err := os.Stat(filepath.Join(dir, "fhir")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data missing at %s (set FHIRLENS_SHARED): %v", dir, err)
		}
		t.Skipf("reference data missing at %s (set FHIRLENS_SHARED)", dir)
	}
	return dir
}

// File is one file of a FHIR package.
type File struct {
	Name string // path inside the archive, without the leading "package/"
	Data []byte
}

// EachJSON calls fn, in archive order, with every JSON file of a package
// .tgz under the reference data (e.g. "fhir/hl7.fhir.r4.examples-4.0.1.tgz"),
// leaving out package.json and .index.json. name is the path in the archive
// ("package/Patient-example.json"). Files are streamed, not held.
func EachJSON(t testing.TB, rel string, fn func(name string, data []byte)) {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".json") ||
			strings.HasSuffix(h.Name, "package.json") || strings.HasSuffix(h.Name, ".index.json") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		fn(h.Name, data)
	}
}

// PackageJSON returns the JSON files of a package .tgz (see EachJSON), with
// names relative to the package folder.
func PackageJSON(t testing.TB, rel string) []File {
	t.Helper()
	var out []File
	EachJSON(t, rel, func(name string, data []byte) {
		out = append(out, File{Name: strings.TrimPrefix(name, "package/"), Data: data})
	})
	return out
}

// ReadReasons reads a list of known differences kept beside a test (skip
// lists, allowlists, disagreements): one entry a line, its key and its
// reason separated by the first sep; blank lines and lines starting with
// "#" are comments. Every entry needs a reason and is listed once, or the
// test fails. The result maps key to reason, both trimmed.
func ReadReasons(t testing.TB, path, sep string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, sep)
		key, reason = strings.TrimSpace(key), strings.TrimSpace(reason)
		if reason == "" {
			t.Errorf("%s: %q has no reason", path, line)
			continue
		}
		if _, dup := out[key]; dup {
			t.Errorf("%s: %q is listed twice", path, key)
		}
		out[key] = reason
	}
	return out
}
