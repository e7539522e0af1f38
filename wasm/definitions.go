//go:build js && wasm

package main

import (
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
)

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
