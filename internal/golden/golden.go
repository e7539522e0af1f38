// Package golden compares test output with a golden file, the one helper
// every package's golden tests use. Run a package's tests with -update to
// rewrite its golden files from the current output (then review the diff:
// every golden change is explained in its commit).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// Update reports whether -update was given.
func Update() bool { return *update }

// Check compares got with the golden file at path; with -update it writes
// got there instead.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended, and review the diff)\n--- got\n%s--- want\n%s", path, got, want)
	}
}
