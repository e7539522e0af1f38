// Command gen writes hostile.Examples to a folder: a small example of
// every hostile shape and a README listing them. Run by `go generate
// ./internal/hostile`; the corpus test checks the folder is up to date.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/fhirlens/fhirlens/internal/hostile"
)

func main() {
	out := flag.String("out", "testdata/hostile", "output folder")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for name, data := range hostile.Examples() {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
