//go:build js && wasm

package main

import (
	"fmt"

	"github.com/hack-pad/safejs"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
)

// provideR4 hands the compact R4 definitions to the definitions package: the
// wasm does not embed them, the worker downloads gen/r4.bin in parallel with
// the wasm and fhirlensFetchR4 returns it. Without that function (the wasm
// tests under Node) the test has provided them already.
func provideR4() error {
	f, err := safejs.Global().Get("fhirlensFetchR4")
	if err != nil || f.IsUndefined() {
		return nil
	}
	data, err := awaitBytes("fhirlensFetchR4")
	if err != nil {
		return fmt.Errorf("the R4 definitions (gen/r4.bin) could not be loaded: %w", err)
	}
	definitions.SetR4(string(data))
	return nil
}

// definitionsOf returns the definitions the validator was built with: the
// embedded R4 core, shared and already decoded by validator.New.
func definitionsOf(v *validator.Validator) *definitions.Set {
	if v == nil {
		return nil
	}
	defs, err := definitions.R4()
	if err != nil {
		return nil
	}
	return defs
}
