package bundle

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/bundle")

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
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", name, golden, got, want)
			}
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
	for _, e := range g.Edges() {
		to := "unresolved"
		switch {
		case e.Kind == KindContained && e.Target >= 0:
			to = "contained " + str(tree, tree.Get(e.Target, "resourceType")) + "/" + str(tree, tree.Get(e.Target, "id"))
		case e.ToEntry >= 0:
			to = "entry[" + itoa(e.ToEntry) + "]"
		}
		b.WriteString("edge " + e.Path + " " + quote(e.Ref) + " (" + e.Kind + ") -> " + to + "\n")
	}
	return b.String()
}
