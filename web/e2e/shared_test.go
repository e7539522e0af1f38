package e2e

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// repoRoot is the module root (two levels above this package).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

func syntheaDir(t testing.TB) string {
	return filepath.Join(sharedDir(t), "corpus", "synthea-10-patients")
}
