package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// TestDump prints the compiled tree of DUMP_PROFILE from the guide folder
// DUMP_IG (a debugging aid; skipped without them).
func TestDump(t *testing.T) {
	dir, url := os.Getenv("DUMP_IG"), os.Getenv("DUMP_PROFILE")
	if dir == "" || url == "" {
		t.Skip("set DUMP_IG and DUMP_PROFILE")
	}
	g, err := LoadFolder(filepath.Clean(dir))
	if err != nil {
		t.Fatal(err)
	}
	r4, _ := definitions.R4()
	defs := r4.Clone()
	AddToDefinitions(defs, []*Guide{g})
	s := NewSet(defs, []*Guide{g})
	p, err := s.Profile(url)
	if err != nil || p == nil {
		t.Fatal(err, p)
	}
	var dump func(e *Elem, depth int)
	dump = func(e *Elem, depth int) {
		fmt.Printf("%s%s [%d..%d] types=%v fixed=%v pattern=%v disc=%+v\n", strings.Repeat("  ", depth), e.ID, e.Min, e.Max, e.typeCodes(), e.fixed, e.pattern, e.disc)
		for _, c := range e.Children {
			dump(c, depth+1)
		}
		for _, c := range e.Slices {
			dump(c, depth+1)
		}
	}
	dump(p.Root, 0)
	fmt.Println(p.Problems)
}
