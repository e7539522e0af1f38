// Command gen writes a small example of every hostile shape (package
// hostile) to a folder, with a README listing them. Run by `go generate
// ./validator/hostile`; the corpus test checks the folder is up to date.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/fhirlens/fhirlens/validator/hostile"
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
	var b strings.Builder
	b.WriteString(hostile.ReadmeHead)
	for _, c := range hostile.Cases() {
		fmt.Fprintf(&b, "| `%s` | %s | %d |\n", hostile.FileName(c), c.About, c.N)
	}
	if err := os.WriteFile(filepath.Join(*out, "README.md"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
