package validator_test

import (
	"context"
	"fmt"

	"github.com/fhirlens/fhirlens/validator"
)

// Validate a resource and print its findings. New with zero Options checks
// against the embedded FHIR R4 definitions; the input says its format.
func ExampleValidator_Validate() {
	v, err := validator.New(validator.Options{})
	if err != nil {
		panic(err)
	}
	patient := []byte(`{"resourceType": "Patient", "gender": "f",
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Jane</div>"}}`)
	rep := v.Validate(context.Background(), validator.Input{Name: "patient.json", Data: patient, Format: validator.FormatJSON})
	for _, f := range rep.Findings {
		fmt.Printf("%d:%d %s %s [%s]\n", f.Line, f.Col, f.Severity, f.Expression, f.Rule)
	}
	fmt.Println("errors:", rep.Summary.Error, "resources:", rep.Summary.Resources)
	// Output:
	// 1:39 error Patient.gender [binding.required]
	// errors: 1 resources: 1
}

// Validate a large export with a bound on the findings kept per rule: the
// counts stay exact, and Summary.Omitted says what was counted but not kept.
func ExampleOptions_maxPerRule() {
	v, err := validator.New(validator.Options{MaxPerRule: 1})
	if err != nil {
		panic(err)
	}
	ndjson := []byte(`{"resourceType":"Basic","code":{"text":"a"}}
{"resourceType":"Basic","code":{"text":"b"}}
{"resourceType":"Basic","code":{"text":"c"}}
`)
	rep := v.Validate(context.Background(), validator.FileInput("export.ndjson", ndjson),
		validator.WithProgress(func(done, total int) {}))
	fmt.Println(rep.Format, rep.Summary.Resources, "resources,", rep.Summary.Warning, "warnings,", len(rep.Findings), "kept")
	for _, o := range rep.Summary.Omitted {
		fmt.Println(validator.OmittedText(o))
	}
	// Output:
	// ndjson 3 resources, 3 warnings, 1 kept
	// and 2 more warnings of dom-6 (counted, not listed)
}
