package fhirxml

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// FuzzParse: the reader never panics or hangs, positions stay inside the
// input, and nothing is expanded (the JSON form stays proportional to the
// XML: an entity bomb would blow that bound).
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/validate/*.xml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<Patient xmlns="http://hl7.org/fhir"><name><given value="a"/><given id="x"><extension url="u"><valueString value="v"/></extension></given></name></Patient>`))
	f.Add([]byte(`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Patient xmlns="http://hl7.org/fhir"><id value="&lol2;"/></Patient>`))
	defs, err := definitions.R4()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, probs := Parse(data, defs)
		for _, p := range probs {
			if p.Offset < 0 || p.Offset > len(data) {
				t.Fatalf("problem offset %d outside the input (%d bytes): %s", p.Offset, len(data), p.Message)
			}
		}
		if tree == nil {
			if len(probs) == 0 || probs[len(probs)-1].Severity != finding.Fatal {
				t.Fatal("no tree and no fatal problem")
			}
			return
		}
		if len(tree.Data) > 8*len(data)+64 {
			t.Fatalf("JSON form of %d bytes from %d bytes of XML: something was expanded", len(tree.Data), len(data))
		}
		for n := jsontree.ID(0); int(n) < tree.Len(); n++ {
			if off := tree.Offset(n); off < 0 || off > len(data) {
				t.Fatalf("node %d at offset %d outside the input", n, off)
			}
			tree.Position(tree.KeyOffset(n))
		}
	})
}
