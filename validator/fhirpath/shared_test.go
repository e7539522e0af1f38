package fhirpath

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
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

var (
	r4Once sync.Once
	r4Set  *definitions.Set
	r4Err  error
)

// r4 loads the R4 core definitions once per test binary.
func r4(t testing.TB) *definitions.Set {
	t.Helper()
	dir := sharedDir(t)
	r4Once.Do(func() {
		f, err := os.Open(filepath.Join(dir, "fhir", "hl7.fhir.r4.core-4.0.1.tgz"))
		if err != nil {
			r4Err = err
			return
		}
		defer f.Close()
		r4Set, r4Err = definitions.LoadPackage(f)
	})
	if r4Err != nil {
		t.Fatalf("loading R4 core: %v", r4Err)
	}
	return r4Set
}
