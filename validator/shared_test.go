package validator

import (
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }
