package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConvertCLI: JSON → XML → JSON through the command gives the canonical
// JSON, the XML validates like the JSON, and bad input is a usage error.
func TestConvertCLI(t *testing.T) {
	const valid = "../../testdata/validate/valid-patient.json"
	dir := t.TempDir()
	xmlFile := filepath.Join(dir, "p.xml")
	var out, errOut bytes.Buffer
	if code := run([]string{"convert", "-o", xmlFile, valid}, nil, &out, &errOut); code != 0 {
		t.Fatalf("to XML: exit %d: %s", code, errOut.String())
	}
	x, err := os.ReadFile(xmlFile)
	if err != nil || !bytes.HasPrefix(x, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) || !bytes.Contains(x, []byte(`xmlns="http://hl7.org/fhir"`)) {
		t.Fatalf("XML output: %s (%v)", x, err)
	}
	out.Reset()
	if code := run([]string{"convert", xmlFile}, nil, &out, &errOut); code != 0 {
		t.Fatalf("back to JSON: exit %d: %s", code, errOut.String())
	}
	back := out.String()
	out.Reset()
	if code := run([]string{"convert", "--to", "json", valid}, nil, &out, &errOut); code != 0 || out.String() != back {
		t.Fatalf("canonical JSON differs from the round trip:\n%s\n---\n%s", out.String(), back)
	}
	out.Reset()
	if code := run([]string{"validate", "--color", "never", xmlFile}, nil, &out, &errOut); code != 0 {
		t.Fatalf("the XML form does not validate: %s", out.String())
	}
	for _, bad := range [][]string{{"convert"}, {"convert", "--to", "yaml", valid}, {"convert", "--fhir-version", "9", valid}} {
		if code := run(bad, strings.NewReader(""), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	// A bad --to is a usage error found before the input is read.
	errOut.Reset()
	if code := run([]string{"convert", "--to", "yaml", filepath.Join(dir, "missing.json")}, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `unknown format "yaml"`) || !strings.Contains(errOut.String(), "--help") {
		t.Errorf("--to yaml: exit %d: %s", code, errOut.String())
	}
	if code := run([]string{"convert", "-"}, strings.NewReader("<!DOCTYPE x><x/>"), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "DOCTYPE") {
		t.Errorf("DTD input: exit %d: %s", code, errOut.String())
	}
}

// TestFHIRVersionCLI: an STU3 input is validated against STU3 without
// being told; --fhir-version overrides the detection.
func TestFHIRVersionCLI(t *testing.T) {
	const stu3Input = `<ProcedureRequest xmlns="http://hl7.org/fhir"><status value="active"/><intent value="order"/><code><text value="x"/></code><subject><reference value="Patient/1"/></subject></ProcedureRequest>`
	var out, errOut bytes.Buffer
	if code := run([]string{"validate", "--format", "json", "-"}, strings.NewReader(stu3Input), &out, &errOut); code != 0 || !strings.Contains(out.String(), `"fhirVersion": "3.0.1"`) {
		t.Errorf("auto: exit %d: %s %s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"validate", "--fhir-version", "4.0", "--format", "json", "-"}, strings.NewReader(stu3Input), &out, &errOut); code != 1 || !strings.Contains(out.String(), "resource.unknown-type") {
		t.Errorf("forced R4: exit %d: %s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"convert", "-"}, strings.NewReader(stu3Input), &out, &errOut); code != 0 || !strings.Contains(out.String(), `"resourceType": "ProcedureRequest"`) {
		t.Errorf("convert STU3: exit %d: %s %s", code, out.String(), errOut.String())
	}
}

// The reference validator's settings apply to an input detected as STU3 as
// they do to R4 input: the STU3 validator is made with the same options.
func TestFHIRVersionDetectedKeepsOptions(t *testing.T) {
	const stu3Input = "{\"resourceType\": \"ProcedureRequest\", // a comment\n\"status\": \"active\", \"intent\": \"order\", \"code\": {\"text\": \"x\"}, \"subject\": {\"reference\": \"Patient/1\"}}"
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "--allow-comments", "--format", "json", "-"}, strings.NewReader(stu3Input), &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), `"fhirVersion": "3.0.1"`) || strings.Contains(out.String(), "comment") {
		t.Errorf("--allow-comments, STU3 input: exit %d: %s %s", code, out.String(), errOut.String())
	}
	out.Reset()
	code = run([]string{"validate", "--format", "json", "-"}, strings.NewReader(stu3Input), &out, &errOut)
	if !strings.Contains(out.String(), `"fhirVersion": "3.0.1"`) || !strings.Contains(out.String(), "comment") {
		t.Errorf("STU3 input with a comment: exit %d: %s %s", code, out.String(), errOut.String())
	}
}
