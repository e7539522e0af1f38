package fhirpath

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
)

// corpusExpressions are the suite's expressions and the R4 invariants.
func corpusExpressions(t testing.TB) []string {
	dir := sharedDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "fhirpath", "tests-fhir-r4.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suite suiteXML
	if err := xml.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range suite.Groups {
		for _, tc := range g.Tests {
			if tc.Expr.Text != "" {
				out = append(out, tc.Expr.Text)
			}
		}
	}
	seen := map[string]bool{}
	for _, inv := range collectInvariants(r4(t)) {
		if !seen[inv.c.Expression] {
			seen[inv.c.Expression] = true
			out = append(out, inv.c.Expression)
		}
	}
	return out
}
