package fhirpath

import (
	"github.com/fhirlens/fhirlens/internal/golden"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestR4InvariantsCanonicalGolden records the canonical print of every
// distinct R4 invariant expression, so parser or printer changes show up
// as a diff (go test -run Golden -update rewrites it).
func TestR4InvariantsCanonicalGolden(t *testing.T) {
	byExpr := map[string][]string{}
	for _, inv := range collectInvariants(r4(t)) {
		keys := byExpr[inv.c.Expression]
		if len(keys) == 0 || keys[len(keys)-1] != inv.c.Key {
			byExpr[inv.c.Expression] = append(keys, inv.c.Key)
		}
	}
	var lines []string
	for src, keys := range byExpr {
		sort.Strings(keys)
		keys = dedupe(keys)
		e, err := Compile(src)
		if err != nil {
			t.Fatalf("%v: %v", keys, err)
		}
		lines = append(lines, strings.Join(keys, ",")+"\t"+e.String())
	}
	sort.Strings(lines)
	got := strings.Join(lines, "\n") + "\n"
	golden.Check(t, filepath.Join("testdata", "r4-invariants.golden"), got)
}
