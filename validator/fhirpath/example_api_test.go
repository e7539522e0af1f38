package fhirpath_test

import (
	"context"
	"fmt"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Evaluate a FHIRPath expression on a resource. Compile once and evaluate
// as often as needed; with definitions in the Env, elements are typed
// (is(), as(), choice types).
func ExampleExpr_Evaluate() {
	tree, findings := jsontree.Parse([]byte(`{"resourceType":"Patient","name":[{"given":["Jane","J"],"family":"Doe"}],"birthDate":"1970-03-01"}`), jsontree.Options{})
	if tree == nil {
		panic(findings)
	}
	defs, err := definitions.R4()
	if err != nil {
		panic(err)
	}
	expr := fhirpath.MustCompile("name.given.first() & ' ' & name.family")
	out, err := expr.Evaluate(context.Background(), &fhirpath.Env{Defs: defs, Tree: tree})
	if err != nil {
		panic(err)
	}
	fmt.Println(out)
	ok, _ := fhirpath.MustCompile("birthDate < @2000-01-01").EvaluateBool(context.Background(), &fhirpath.Env{Defs: defs, Tree: tree})
	fmt.Println(ok)
	// Output:
	// [Jane Doe]
	// true
}
