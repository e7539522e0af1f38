package bundle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// FuzzBundle feeds arbitrary JSON through every entry point: nothing may
// panic, and findings must point at real nodes, in document order.
func FuzzBundle(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	for _, in := range inputs {
		if data, err := os.ReadFile(in); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"resourceType":"Bundle","type":"document","entry":[{"resource":{"resourceType":"Composition","section":[{"entry":[{"reference":"#"}]}]}}]}`))
	f.Add([]byte(`{"resourceType":"Bundle","entry":[1,"x",null,{"fullUrl":7,"resource":[]}]}`))
	f.Add([]byte(`{"resourceType":"Bundle","type":"history","entry":[{"fullUrl":"http://x/Patient/1","resource":{"resourceType":"Patient","id":"1","meta":{"versionId":"1"}}},{"resource":{"resourceType":"Observation","subject":{"reference":"Patient/1/_history/1"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, _ := jsontree.Parse(data, jsontree.Options{})
		if tree == nil {
			return
		}
		g := Index(tree, tree.Root())
		refs := CollectReferences(tree, tree.Root())
		for i := range refs {
			if i%2 == 0 {
				refs[i].Targets = []string{"Patient"}
			}
		}
		fs := append(g.CheckEntries(), g.CheckReferences(refs, Options{ReportExternal: true})...)
		for _, fd := range fs {
			if fd.Offset < 0 || fd.Offset > len(data) || fd.Rule == "" || fd.Message == "" || fd.Expression == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
		for _, e := range g.edges {
			if e.ToEntry >= len(g.Entries) || e.FromEntry >= len(g.Entries) {
				t.Fatalf("bad edge %+v", e)
			}
			_ = g.Resolve(e.FromEntry, e.Ref)
		}
		_ = g.Resolve(len(g.Entries)+3, "Patient/1")
		_ = g.Resolve(-1, "")
	})
}
