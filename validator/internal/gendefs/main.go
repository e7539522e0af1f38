// Command gendefs generates the compact embedded definitions of package
// validator/definitions from the official core packages: R4 (r4.bin, the default) and,
// with -version 3.0, STU3 (stu3.bin in package definitions/stu3). Run it
// through `go generate ./validator/definitions/...` (or `make generate`).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	_ "github.com/fhirlens/fhirlens/validator/definitions" // sets compact.Encode
	"github.com/fhirlens/fhirlens/validator/internal/compact"
)

func main() {
	version := flag.String("version", "4.0", "FHIR version to generate: 4.0 (R4) or 3.0 (STU3)")
	pkg := flag.String("package", "", "core package (.tgz); default: the version's core package in the shared reference data")
	out := flag.String("out", ".", "directory to write the data and Go files to")
	flag.Parse()
	if err := run(*version, *pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendefs:", err)
		os.Exit(1)
	}
}

func sharedDir() string {
	if shared := os.Getenv("FHIRLENS_SHARED"); shared != "" {
		return shared
	}
	// go generate runs in the package directory: find the module root.
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join("..", "..", "..", "shared")
		}
	}
}

func run(version, pkg, out string) error {
	var (
		gen              func(io.Reader) ([]byte, error)
		dataFile, goFile string
		goSource         string
		coreName         string
	)
	switch version {
	case "4.0":
		gen, dataFile, goFile, goSource, coreName = compact.GenerateR4, compact.R4DataFile, compact.R4GoFile, compact.R4GoSource, "hl7.fhir.r4.core-4.0.1.tgz"
	case "3.0":
		gen, dataFile, goFile, goSource, coreName = compact.GenerateSTU3, compact.STU3DataFile, compact.STU3GoFile, compact.STU3GoSource, "hl7.fhir.r3.core-3.0.1.tgz"
	default:
		return fmt.Errorf("unknown -version %q (4.0 or 3.0)", version)
	}
	if pkg == "" {
		pkg = filepath.Join(sharedDir(), "fhir", coreName)
	}
	f, err := os.Open(pkg)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := gen(f)
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, dataFile), data); err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, goFile), []byte(goSource)); err != nil {
		return err
	}
	fmt.Printf("gendefs: wrote %s (%d bytes)\n", dataFile, len(data))
	return nil
}

// writeIfChanged leaves identical files alone so their timestamps stay put.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}
