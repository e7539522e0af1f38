package bundle

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
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
