package validator

import (
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/definitions/stu3"
)

func TestDetectVersion(t *testing.T) {
	r4, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := stu3.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, input string
		want        int
	}{
		{"R4 resource", `{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"}}`, 0},
		{"STU3-only resource", `{"resourceType":"ProcedureRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"}}`, 1},
		{"STU3 element", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"context":{"reference":"Encounter/1"}}`, 1},
		{"R4 element", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"encounter":{"reference":"Encounter/1"}}`, 0},
		{"tie goes to R4", `{"resourceType":"Patient","gender":"male"}`, 0},
		{"STU3 profile claimed", `{"resourceType":"Patient","meta":{"profile":["https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1"]}}`, 1},
		{"declared fhirVersion", `{"resourceType":"StructureDefinition","fhirVersion":"3.0.1"}`, 1},
		{"XML STU3", `<ProcedureRequest xmlns="http://hl7.org/fhir"><status value="active"/></ProcedureRequest>`, 1},
		{"unreadable", `{`, 0},
	}
	for _, c := range cases {
		if got := DetectVersion([]byte(c.input), r4, s3); got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}
}
