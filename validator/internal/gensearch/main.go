// Command gensearch writes validator/searchparams_gen.go from the R4 core
// package (see package validator/internal/searchparams).
//
//	go run ./validator/internal/gensearch ../shared/fhir/hl7.fhir.r4.core-4.0.1.tgz > validator/searchparams_gen.go
package main

import (
	"fmt"
	"os"

	"github.com/fhirlens/fhirlens/validator/internal/searchparams"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gensearch hl7.fhir.r4.core-4.0.1.tgz > searchparams_gen.go")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	src, err := searchparams.Generate(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensearch:", err)
		os.Exit(1)
	}
	os.Stdout.Write(src)
}
