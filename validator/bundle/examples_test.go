package bundle

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// readPackageBundles returns the files of a FHIR package under the
// reference data whose top-level resourceType is Bundle, by name.
func readPackageBundles(t *testing.T, rel string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	sharedtest.EachJSON(t, rel, func(name string, data []byte) {
		var head struct{ ResourceType string }
		if json.Unmarshal(data, &head) == nil && head.ResourceType == "Bundle" {
			out[name] = data
		}
	})
	return out
}

// The R4 examples are meant to be valid: no error findings. Warnings and
// information are logged for review (see the README for why each is there).
func TestR4ExampleBundles(t *testing.T) {
	bundles := readPackageBundles(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz")
	if len(bundles) < 30 {
		t.Fatalf("found only %d example bundles", len(bundles))
	}
	names := make([]string, 0, len(bundles))
	for n := range bundles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		tree, probs := jsontree.Parse(bundles[name], jsontree.Options{})
		if tree == nil {
			t.Errorf("%s: does not parse: %v", name, probs)
			continue
		}
		g := Index(tree, tree.Root())
		fs := append(g.CheckEntries(), g.CheckReferences(CollectReferences(tree, tree.Root()), Options{})...)
		for _, f := range fs {
			msg := name + ":" + itoa(f.Line) + ":" + itoa(f.Col) + ": " + f.Severity.String() + " " + f.Rule + " " + f.Expression + ": " + f.Message
			if f.Severity == finding.Error {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		}
	}
}
