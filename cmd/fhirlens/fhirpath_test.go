package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const cliPatient = `{"resourceType":"Patient","id":"x","active":true,
 "name":[{"family":"Chalmers","given":["Peter","James"]}],
 "birthDate":"1974-12-25",
 "extension":[{"url":"http://example.org/weight","valueQuantity":{"value":4,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}`

func TestFHIRPathCLI(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	if err := os.WriteFile(file, []byte(cliPatient), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		stdout   string
		stderrIn string
	}{
		{"text", []string{"name.given", file}, "", 0, "FHIR.string\t'Peter'\nFHIR.string\t'James'\n", ""},
		{"stdin", []string{"birthDate", "-"}, cliPatient, 0, "FHIR.date\t@1974-12-25\n", ""},
		{"system values", []string{"name.given.count() + 1", file}, "", 0, "System.Integer\t3\n", ""},
		{"complex", []string{"name.first()", file}, "", 0,
			"FHIR.HumanName\t{\"family\":\"Chalmers\",\"given\":[\"Peter\",\"James\"]}\n", ""},
		{"json", []string{"--format", "json", "birthDate | active | extension.value | 1.50 | 'a'", file}, "", 0,
			`[
  {
    "type": "FHIR.date",
    "value": "@1974-12-25"
  },
  {
    "type": "FHIR.boolean",
    "value": true
  },
  {
    "type": "FHIR.Quantity",
    "value": "4 'mg'"
  },
  {
    "type": "System.Decimal",
    "value": 1.50
  },
  {
    "type": "System.String",
    "value": "a"
  }
]
`, ""},
		{"empty json", []string{"--format", "json", "name.suffix", file}, "", 0, "[]\n", ""},
		{"syntax error", []string{"name.given.where(", file}, "", 2, "",
			"invalid expression: unexpected end of expression\n  name.given.where(\n                   ^\n"},
		{"unknown function", []string{"name.foo()", file}, "", 2, "", "unknown function foo()\n  name.foo()\n       ^"},
		{"evaluation error", []string{"name.given + 1", file}, "", 2, "", "evaluation failed"},
		{"strict", []string{"--strict", "name.gven", file}, "", 2, "", "HumanName has no element named gven"},
		{"bad json", []string{"name", "-"}, "{", 2, "", "<stdin>:1:2"},
		{"missing file", []string{"name", filepath.Join(dir, "nope.json")}, "", 2, "", "no such file"},
		{"usage", []string{"name"}, "", 2, "", "want an EXPRESSION and a FILE"},
		{"bad format", []string{"--format", "xml", "name", file}, "", 2, "", "unknown format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runFHIRPath(tt.args, strings.NewReader(tt.stdin), &out, &errOut)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut.String())
			}
			if out.String() != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), tt.stdout)
			}
			if !strings.Contains(errOut.String(), tt.stderrIn) {
				t.Errorf("stderr %q, want it to contain %q", errOut.String(), tt.stderrIn)
			}
		})
	}
}
