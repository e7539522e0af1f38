package bundle

import (
	"github.com/fhirlens/fhirlens/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

const goldenDir = "../../testdata/bundle"

// TestGolden runs every project-authored bundle under testdata/bundle and
// compares the findings and the resolved graph with NAME.golden.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in %s: %v", goldenDir, err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, data)
			golden.Check(t, strings.TrimSuffix(in, ".json")+".golden", got)
		})
	}
}

// render writes findings as "line:col severity rule path: message" and the
// graph as "edge path ref -> target", both in document order.
func render(t *testing.T, data []byte) string {
	tree, probs := jsontree.Parse(data, jsontree.Options{})
	if tree == nil {
		t.Fatalf("parse: %v", probs)
	}
	g := Index(tree, tree.Root())
	fs := g.CheckEntries()
	fs = sortFindings(append(fs, g.CheckReferences(CollectReferences(tree, tree.Root()), Options{})...))
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(itoa(f.Line) + ":" + itoa(f.Col) + " " + f.Severity.String() + " " + f.Rule + " " + f.Expression + ": " + f.Message + "\n")
	}
	for _, e := range g.edges {
		to := "unresolved"
		switch {
		case e.Kind == KindContained && e.Target >= 0:
			to = "contained " + tree.Text(tree.Get(e.Target, "resourceType")) + "/" + tree.Text(tree.Get(e.Target, "id"))
		case e.ToEntry >= 0:
			to = "entry[" + itoa(e.ToEntry) + "]"
		}
		b.WriteString("edge " + e.Path + " " + quote(e.Ref) + " (" + e.Kind + ") -> " + to + "\n")
	}
	return b.String()
}
