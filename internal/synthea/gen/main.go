// Command gen writes a Synthea-shaped collection Bundle of a given size:
//
//	go run ./internal/synthea/gen -size 10 -out /tmp/synthea-10mb.json
//
// It is how `make bench-peers` makes the inputs every tool is timed on.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fhirlens/fhirlens/internal/synthea"
)

func main() {
	mb := flag.Int("size", 10, "size of the bundle in MB (10^6 bytes)")
	out := flag.String("out", "", "file to write")
	shared := flag.String("shared", os.Getenv("FHIRLENS_SHARED"), "the reference data folder (default ../shared)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out FILE is required")
		os.Exit(2)
	}
	if *shared == "" {
		*shared = "../shared"
	}
	data, err := synthea.Bundle(filepath.Join(*shared, "corpus", "synthea-10-patients"), *mb*1000000)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
