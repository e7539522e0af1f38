package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// TestGPConnect: a GP Connect Access Record: Structured response (a
// collection Bundle claiming GPConnect-StructuredRecord-Bundle-1, with
// CareConnect-GPC resources), written in XML, validates against the NHS
// STU3 assets loaded as XML with --ig — the STU3 core picked by itself —
// and broken variants are caught by the GPC profiles.
func TestGPConnect(t *testing.T) {
	assets := filepath.Join(sharedtest.Dir(t), "ig", "nhs-stu3-fhir-assets")
	record, err := os.ReadFile("../../testdata/gpconnect/structured-record.xml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cases := []struct {
		name, from, to string
		exit           int
		rule, message  string
	}{
		{"valid", "", "", 0, "", ""},
		{"verificationStatus not the fixed value", `<verificationStatus value="unconfirmed"/>`, `<verificationStatus value="confirmed"/>`, 1,
			"profile.fixed", "fixed by the profile CareConnect-GPC-AllergyIntolerance-1"},
		{"NHS number verification status missing", `<extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSNumberVerificationStatus-1">`,
			`<extension url="https://example.org/other">`, 1, "profile.slice.min", "nhsNumberVerificationStatus"},
		{"an R4-only element", `<birthDate value="1957-06-20"/>`, `<birthDate value="1957-06-20"/><deceasedBoolean value="false"/><gender value="male"/>`, 1,
			"xml.repeated", "gender"},
	}
	// One run for all variants: the guide (about 1,000 XML files) loads once.
	args := []string{"validate", "--format", "json", "--ig", assets}
	for _, c := range cases {
		data := record
		if c.from != "" {
			if !bytes.Contains(record, []byte(c.from)) {
				t.Fatalf("%s: the record has no %s", c.name, c.from)
			}
			data = bytes.Replace(record, []byte(c.from), []byte(c.to), 1)
		}
		file := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".xml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, file)
	}
	var out, errOut bytes.Buffer
	code := run(args, nil, &out, &errOut)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some variants are broken)", code)
	}
	var reps []struct {
		FHIRVersion string `json:"fhirVersion"`
		Findings    []struct {
			Severity, Rule, Message string
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &reps); err != nil || len(reps) != len(cases) {
		t.Fatalf("output %s: %v", out.String(), err)
	}
	for i, c := range cases {
		rep := reps[i]
		if rep.FHIRVersion != "3.0.1" {
			t.Errorf("%s: validated against FHIR %s, want STU3", c.name, rep.FHIRVersion)
		}
		found, errs := c.rule == "", 0
		for _, f := range rep.Findings {
			if f.Severity == "error" || f.Severity == "fatal" {
				errs++
				if c.exit == 0 {
					t.Errorf("%s: %s %s", c.name, f.Rule, f.Message)
				}
			}
			if f.Rule == c.rule && strings.Contains(f.Message, c.message) {
				found = true
			}
		}
		if (errs > 0) != (c.exit == 1) {
			t.Errorf("%s: %d errors", c.name, errs)
		}
		if !found {
			t.Errorf("%s: no %s finding mentioning %q", c.name, c.rule, c.message)
		}
	}
}
