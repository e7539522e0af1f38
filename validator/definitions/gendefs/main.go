// Command gendefs generates the compact embedded R4 definitions of package
// definitions from the official R4 core package. Run it through
// `go generate ./validator/definitions` (or `make generate`).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

func main() {
	shared := os.Getenv("FHIRLENS_SHARED")
	if shared == "" {
		shared = filepath.Join("..", "..", "..", "shared")
	}
	pkg := flag.String("package", filepath.Join(shared, "fhir", "hl7.fhir.r4.core-4.0.1.tgz"), "R4 core package (.tgz)")
	out := flag.String("out", ".", "directory to write "+definitions.R4DataFile+" and "+definitions.R4GoFile+" to")
	flag.Parse()
	if err := run(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendefs:", err)
		os.Exit(1)
	}
}

func run(pkg, out string) error {
	f, err := os.Open(pkg)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := definitions.GenerateR4(f)
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, definitions.R4DataFile), data); err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, definitions.R4GoFile), []byte(definitions.R4GoSource)); err != nil {
		return err
	}
	fmt.Printf("gendefs: wrote %s (%d bytes)\n", definitions.R4DataFile, len(data))
	return nil
}

// writeIfChanged leaves identical files alone so their timestamps stay put.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}
