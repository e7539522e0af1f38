package fhirpath

import (
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/definitions"
)

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// r4 returns the embedded R4 core definitions, which the validator uses.
func r4(t testing.TB) *definitions.Set {
	t.Helper()
	defs, err := definitions.R4()
	if err != nil {
		t.Fatalf("loading R4 core: %v", err)
	}
	return defs
}

// sharedPath is where the reference data should be, without skipping.
func sharedPath() string { return sharedtest.Path() }
