package validator

import (
	"context"
	"encoding/json"
	"os"
	"testing"
)

// The OperationOutcome of a report must itself be a valid R4 resource, and
// carry each finding's position in the standard extensions.
func TestOperationOutcomeIsValidFHIR(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../testdata/validate/patient-four-errors.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := v.Validate(context.Background(), FileInput("patient-four-errors.json", data))
	oo, err := rep.OperationOutcome()
	if err != nil {
		t.Fatal(err)
	}
	if again := v.Validate(context.Background(), FileInput("oo.json", oo)); again.HasErrors() {
		t.Fatalf("the OperationOutcome is not valid FHIR: %+v", again.Findings)
	}
	var parsed struct {
		Issue []struct {
			Severity   string
			Expression []string
			Extension  []struct {
				URL          string
				ValueInteger int
			}
		}
	}
	if err := json.Unmarshal(oo, &parsed); err != nil {
		t.Fatal(err)
	}
	var errs []int
	for i, is := range parsed.Issue {
		if is.Severity == "error" {
			errs = append(errs, i)
		}
	}
	if len(errs) != 4 {
		t.Fatalf("got %d errors, want 4: %s", len(errs), oo)
	}
	first := parsed.Issue[errs[0]]
	if first.Expression[0] != "Patient.favouriteColour" || first.Extension[0].URL != extLine || first.Extension[0].ValueInteger != 4 {
		t.Errorf("first issue = %+v", first)
	}
	b, err := OutcomeBundle([]*Report{rep, v.Validate(context.Background(), FileInput("ok.json", []byte(`{"resourceType":"Basic","code":{"text":"x"}}`)))})
	if err != nil {
		t.Fatal(err)
	}
	if again := v.Validate(context.Background(), FileInput("bundle.json", b)); again.HasErrors() {
		t.Fatalf("the outcome Bundle is not valid FHIR: %+v", again.Findings)
	}
}
