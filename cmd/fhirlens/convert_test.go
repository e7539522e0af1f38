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
	if code := run([]string{"convert", "-"}, strings.NewReader("<!DOCTYPE x><x/>"), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "DOCTYPE") {
		t.Errorf("DTD input: exit %d: %s", code, errOut.String())
	}
}
