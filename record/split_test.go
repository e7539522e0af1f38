package record

import (
	"reflect"
	"testing"

	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// TestSplitGraphAsSplitInput: a Bundle split from the validator's parse
// (splitGraph) gives the same resources, locations and skipped entries as
// the record's own split with gjson (splitInput), so a record built on the
// graph does not parse the input a second time and shows the same.
func TestSplitGraphAsSplitInput(t *testing.T) {
	inputs := map[string][]byte{
		"skipped entries": []byte(` {"resourceType":"Bundle","id":"b1","type":"collection","entry":[
 {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1"}},
 {"fullUrl":"urn:uuid:2"},
 {"resource":{"id":"x"}},
 {"resource":"text"},
 {"fullUrl":"urn:uuid:3","resource":{"resourceType":"Observation","id":"3","subject":{"reference":"urn:uuid:1"}}}]}`),
	}
	for _, name := range []string{"clinical-bundle.json", "patient-bundle.json", "document-bundle.json"} {
		inputs[name] = recordTestdata(t, name)
	}
	for name, data := range inputs {
		tree, probs := jsontree.Parse(data, jsontree.Options{})
		if len(probs) > 0 {
			t.Fatalf("%s: %v", name, probs)
		}
		g := bundle.Index(tree, tree.Root())
		if !graphOf(data, g) {
			t.Fatalf("%s: graph not recognised as this input's", name)
		}
		want, err := splitInput(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, share := range []bool{false, true} {
			got := splitGraph(data, g, share)
			if got.kind != want.kind || got.bundleType != want.bundleType || got.bundleID != want.bundleID {
				t.Errorf("%s: bundle %s/%s/%s, want %s/%s/%s", name, got.kind, got.bundleType, got.bundleID, want.kind, want.bundleType, want.bundleID)
			}
			if !reflect.DeepEqual(got.skipped, want.skipped) {
				t.Errorf("%s: skipped %+v, want %+v", name, got.skipped, want.skipped)
			}
			if len(got.items) != len(want.items) {
				t.Fatalf("%s: %d resources, want %d", name, len(got.items), len(want.items))
			}
			for i, w := range want.items {
				g := got.items[i]
				if g.index != w.index || g.key != w.key || g.rtype != w.rtype || g.id != w.id || g.fullURL != w.fullURL ||
					!reflect.DeepEqual(g.loc, w.loc) || g.raw.Raw != w.raw.Raw || g.raw.Index != w.raw.Index {
					t.Errorf("%s: resource %d = %s %s %s %+v, want %s %s %s %+v", name, i, g.key, g.rtype, g.id, g.loc, w.key, w.rtype, w.id, w.loc)
				}
			}
		}
	}
	// Another input's graph is not used.
	other := []byte(`{"resourceType":"Bundle","type":"collection","entry":[]}`)
	tree, _ := jsontree.Parse(other, jsontree.Options{})
	if graphOf(inputs["clinical-bundle.json"], bundle.Index(tree, tree.Root())) {
		t.Error("a graph of other bytes was taken for this input's")
	}
}
