package fhirpath

import (
	"context"
	"testing"

	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// TestResolveFollowsTheBundleRules is the case of issue 9: a bundle holds
// http://a.org/fhir/Patient/1, http://b.org/fhir/Patient/1 and an
// Observation at http://b.org/fhir/Observation/x referencing Patient/1. By
// the Bundle rules the relative reference resolves against its entry's base
// (b.org): resolve() must pick entry 1, as the reference checks do, not the
// first Patient/1 in document order.
func TestResolveFollowsTheBundleRules(t *testing.T) {
	tree := parseDoc(t, `{"resourceType":"Bundle","type":"collection","entry":[
 {"fullUrl":"http://a.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","gender":"female"}},
 {"fullUrl":"http://b.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","gender":"male"}},
 {"fullUrl":"http://b.org/fhir/Observation/x","resource":{"resourceType":"Observation","id":"x","status":"final",
   "code":{"text":"t"},"subject":{"reference":"Patient/1"},
   "contained":[{"resourceType":"Patient","id":"c","gender":"other"}],"performer":[{"reference":"#c"}]}}]}`)
	entries := tree.Get(tree.Root(), "entry")
	obs := tree.Get(tree.Item(entries, 2), "resource")
	want := tree.Get(tree.Item(entries, 1), "resource")

	// The graph the reference checks use.
	g := bundle.Index(tree, tree.Root())
	if r := g.Resolve(2, "Patient/1"); r.Target != want {
		t.Fatalf("graph resolves Patient/1 to node %d, want entry 1's resource %d", r.Target, want)
	}
	for _, tc := range []struct{ expr, want string }{
		{"subject.resolve().gender", "'male'"},
		{"performer.resolve().gender", "'other'"},
		{"subject.resolve().id", "'1'"},
	} {
		e, err := Compile(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		// The default resolver, and one sharing the caller's graph.
		shared := &GraphResolver{}
		shared.Use(g)
		for _, env := range []*Env{{Tree: tree, Focus: obs}, {Tree: tree, Focus: obs, Resolver: shared}} {
			got, err := e.Evaluate(context.Background(), env)
			if err != nil {
				t.Fatal(err)
			}
			if s := show(got); s != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, s, tc.want)
			}
		}
	}
	if id, ok := (&GraphResolver{}).ResolveID(obs, "Patient/1"); ok || id != jsontree.None {
		t.Error("ResolveID without a tree should find nothing")
	}
}
