// Package golden compares test output with a golden file, the one helper
// every package's golden tests use. Run a package's tests with -update to
// rewrite its golden files from the current output (then review the diff:
// every golden change is explained in its commit).
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		t.Errorf("output differs from %s (run with -update if the change is intended, and review the diff)\n%s", path, firstDifference(got, string(want)))
	}
}

// firstDifference shows the first line where got and want differ, with two
// lines of context, instead of both outputs whole (some are megabytes).
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(i-2, 0)
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (got %d lines, want %d)\n", i+1, len(g), len(w))
	for _, side := range []struct {
		name  string
		lines []string
	}{{"got", g}, {"want", w}} {
		fmt.Fprintf(&b, "--- %s\n", side.name)
		for j := from; j < min(i+3, len(side.lines)); j++ {
			fmt.Fprintf(&b, "%5d  %s\n", j+1, side.lines[j])
		}
	}
	return b.String()
}
