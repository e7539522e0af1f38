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
	rep := v.Validate(context.Background(), "patient-four-errors.json", data)
	oo, err := rep.OperationOutcome()
	if err != nil {
		t.Fatal(err)
	}
	if again := v.Validate(context.Background(), "oo.json", oo); len(again.Issues) != 0 {
		t.Fatalf("the OperationOutcome is not valid FHIR: %+v", again.Issues)
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
	if len(parsed.Issue) != 4 {
		t.Fatalf("got %d issues, want 4", len(parsed.Issue))
	}
	first := parsed.Issue[0]
	if first.Expression[0] != "Patient.favouriteColour" || first.Extension[0].URL != extLine || first.Extension[0].ValueInteger != 4 {
		t.Errorf("first issue = %+v", first)
	}
	b, err := OutcomeBundle([]*Report{rep, v.Validate(context.Background(), "ok.json", []byte(`{"resourceType":"Basic","code":{"text":"x"}}`))})
	if err != nil {
		t.Fatal(err)
	}
	if again := v.Validate(context.Background(), "bundle.json", b); len(again.Issues) != 0 {
		t.Fatalf("the outcome Bundle is not valid FHIR: %+v", again.Issues)
	}
}
