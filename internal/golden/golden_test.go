package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckEqual(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	Check(t, path, "a\nb\n") // fails the test if it reports a difference
}

func TestFirstDifference(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
		has             []string
	}{
		{"changed line", "1\n2\n3\n4\nX\n6\n", "1\n2\n3\n4\n5\n6\n", []string{"first difference at line 5", "    5  X", "    5  5", "    3  3"}},
		{"shorter", "1\n", "1\n2\n", []string{"first difference at line 2 (got 2 lines, want 3)", "    2  2"}},
		{"first line", "x", "y", []string{"first difference at line 1", "    1  x", "    1  y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := firstDifference(tc.got, tc.want)
			for _, s := range tc.has {
				if !strings.Contains(d, s) {
					t.Errorf("missing %q in\n%s", s, d)
				}
			}
			if strings.Contains(d, "    1  1\n") && tc.name == "changed line" {
				t.Errorf("more than two lines of context:\n%s", d)
			}
		})
	}
}
