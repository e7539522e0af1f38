package fhirpath

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// sharedDir locates the reference data: $FHIRLENS_SHARED or ../shared from
// the module root. Missing data fails in CI and skips elsewhere.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("FHIRLENS_SHARED")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "fhir")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data missing at %s (set FHIRLENS_SHARED): %v", dir, err)
		}
		t.Skipf("reference data missing at %s: %v", dir, err)
	}
	return dir
}

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
func sharedPath() string {
	if dir := os.Getenv("FHIRLENS_SHARED"); dir != "" {
		return dir
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
}
