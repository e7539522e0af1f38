package validator

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/definitions/stu3"
)

func TestDetectVersion(t *testing.T) {
	r4, s3 := coreSets(t)
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

// DetectInputVersion picks what DetectVersion picks, and the input it
// returns validates to the same report as the input it was given, whether
// its parse is used (JSON, same AllowComments) or not (other settings,
// ndjson, XML, Data replaced afterwards).
func TestDetectInputVersion(t *testing.T) {
	r4, s3 := coreSets(t)
	inputs := []Input{
		{Name: "r4.json", Data: []byte(`{"resourceType":"Observation","status":"final","code":{"text":"x"},"encounter":{"reference":"Encounter/1"}}`)},
		{Name: "stu3.json", Data: []byte("{\"resourceType\": \"ProcedureRequest\", // a comment\n\"status\": \"active\", \"intent\": \"order\"}")},
		{Name: "broken.json", Data: []byte(`{"resourceType":"Patient","gender":`)},
		{Name: "lines", Data: []byte("{\"resourceType\":\"Patient\",\"gender\":\"x\"}\n{\"resourceType\":\"ProcedureRequest\"}\n")},
		{Name: "lines.ndjson", Format: FormatNDJSON, Data: []byte("{\"resourceType\":\"ProcedureRequest\",\"status\":\"draft\"}\n{\"resourceType\":\"Patient\"}\n")},
		{Name: "p.xml", Data: []byte(`<ProcedureRequest xmlns="http://hl7.org/fhir"><status value="active"/></ProcedureRequest>`)},
		{Name: "empty", Data: nil},
	}
	for _, in := range inputs {
		for _, comments := range []bool{false, true} {
			got, parsed := DetectInputVersion(in, comments, r4, s3)
			if want := DetectVersion(in.Data, r4, s3); got != want && !comments {
				t.Errorf("%s: DetectInputVersion %d, DetectVersion %d", in.Name, got, want)
			}
			if json := in.Format != FormatNDJSON && !bytes.HasPrefix(in.Data, []byte("<")); json != (parsed.parsed != nil) {
				t.Errorf("%s: parse kept %v, want %v", in.Name, parsed.parsed != nil, json)
			}
			for _, vComments := range []bool{false, true} {
				v, err := New(Options{Definitions: []*definitions.Set{r4, s3}[got], AllowComments: vComments})
				if err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal(v.Validate(context.Background(), in))
				if err != nil {
					t.Fatal(err)
				}
				if rep, _ := json.Marshal(v.Validate(context.Background(), parsed)); !bytes.Equal(rep, want) {
					t.Errorf("%s (parsed with comments %v, validated with %v): report\n%s\nwant\n%s", in.Name, comments, vComments, rep, want)
				}
			}
		}
	}
	// Data replaced after the parse: the new bytes are validated.
	_, in := DetectInputVersion(inputs[0], false, r4, s3)
	in.Data = append([]byte(nil), inputs[2].Data...)
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep := v.Validate(context.Background(), in); !rep.HasErrors() {
		t.Errorf("replaced Data: the kept parse of other bytes was used: %+v", rep.Findings)
	}
}

// DetectInputVersionLazily picks what DetectInputVersion picks, and loads
// the other candidates only for input the first does not fit exactly.
func TestDetectInputVersionLazily(t *testing.T) {
	r4, s3 := coreSets(t)
	cases := []struct {
		name, input string
		loads       bool // the other candidates are needed
	}{
		{"R4 resource", `{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"}}`, false},
		{"R4 Bundle", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","_gender":{"id":"g"}}},{"resource":{"resourceType":"Observation","encounter":{"reference":"Encounter/1"}}}]}`, false},
		{"R4 fhirVersion", `{"resourceType":"StructureDefinition","fhirVersion":"4.0.1","url":"x"}`, false},
		{"STU3-only resource", `{"resourceType":"ProcedureRequest","status":"active"}`, true},
		{"STU3 element", `{"resourceType":"Observation","status":"final","context":{"reference":"Encounter/1"}}`, true},
		{"STU3 element in an entry", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}},{"resource":{"resourceType":"Observation","context":{}}}]}`, true},
		{"unknown element, a tie", `{"resourceType":"Patient","colour":"blue"}`, true},
		{"unknown resource type", `{"resourceType":"Thing"}`, true},
		{"STU3 profile claimed", `{"resourceType":"Patient","meta":{"profile":["https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1"]}}`, true},
		{"declared 3.0", `{"resourceType":"StructureDefinition","fhirVersion":"3.0.1"}`, true},
		{"declared 5.0", `{"resourceType":"StructureDefinition","fhirVersion":"5.0.0"}`, true},
		{"XML R4", `<Patient xmlns="http://hl7.org/fhir"><gender value="male"/></Patient>`, false},
		{"XML STU3", `<ProcedureRequest xmlns="http://hl7.org/fhir"><status value="active"/></ProcedureRequest>`, true},
		{"ndjson", "{\"resourceType\":\"Patient\"}\n{\"resourceType\":\"ProcedureRequest\"}\n", false}, // the first line decides
		{"unreadable", `{`, false},
	}
	for _, c := range cases {
		in := Input{Name: c.name, Data: []byte(c.input)}
		want, _ := DetectInputVersion(in, false, r4, s3)
		loaded := false
		got, parsed := DetectInputVersionLazily(in, false, r4, func() []*definitions.Set { loaded = true; return []*definitions.Set{s3} })
		if got != want {
			t.Errorf("%s: lazily %d, eagerly %d", c.name, got, want)
		}
		if loaded != c.loads {
			t.Errorf("%s: others loaded %v, want %v", c.name, loaded, c.loads)
		}
		if _, kept := DetectInputVersion(in, false, r4, s3); (kept.parsed != nil) != (parsed.parsed != nil) {
			t.Errorf("%s: parse kept %v, eagerly %v", c.name, parsed.parsed != nil, kept.parsed != nil)
		}
	}
}

// coreSets are the R4 and STU3 core definitions detection chooses between.
func coreSets(t *testing.T) (r4, s3 *definitions.Set) {
	t.Helper()
	r4, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	if s3, err = stu3.Load(); err != nil {
		t.Fatal(err)
	}
	return r4, s3
}
