//go:build js && wasm

package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// TestMain provides the R4 definitions as the worker does in the browser
// (the wasm does not embed them), from the generated file in the tree.
func TestMain(m *testing.M) {
	data, err := os.ReadFile("../validator/definitions/r4.bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasm tests: cannot read the R4 definitions:", err)
		os.Exit(1)
	}
	definitions.SetR4(string(data))
	os.Exit(m.Run())
}
