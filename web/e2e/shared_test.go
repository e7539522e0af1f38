package e2e

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// repoRoot is the module root (two levels above this package).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// sharedDir finds the reference data: $FHIRLENS_SHARED or ../shared beside
// the repository. Missing data fails under CI=true and skips otherwise.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("FHIRLENS_SHARED")
	if dir == "" {
		dir = filepath.Join(repoRoot(), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus", "synthea-10-patients")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data missing at %s (set FHIRLENS_SHARED): %v", dir, err)
		}
		t.Skipf("reference data missing at %s (set FHIRLENS_SHARED)", dir)
	}
	return dir
}

func syntheaDir(t testing.TB) string {
	return filepath.Join(sharedDir(t), "corpus", "synthea-10-patients")
}
