package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/golden"
	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

func TestValidateCLI(t *testing.T) {
	const four = "../../testdata/validate/patient-four-errors.json"
	const valid = "../../testdata/validate/valid-patient.json"
	tests := []struct {
		name   string
		args   []string
		stdin  string
		exit   int
		golden string // compared with testdata/cli/<golden> when set
	}{
		{"errors text", []string{"validate", "--color", "never", four}, "", 1, "validate-four-errors.txt"},
		{"valid", []string{"validate", valid}, "", 0, ""},
		{"several inputs", []string{"validate", "--color", "never", four, valid}, "", 1, "validate-two-files.txt"},
		{"stdin", []string{"validate", "-"}, `{"resourceType":"Patient","gender":"M"}`, 1, ""},
		{"missing file", []string{"validate", "does-not-exist.json"}, "", 2, ""},
		{"no args", []string{"validate"}, "", 2, ""},
		{"bad format", []string{"validate", "--format", "xml", valid}, "", 2, ""},
		{"unknown command", []string{"frobnicate"}, "", 2, ""},
		{"folder", []string{"validate", "../../testdata/samples"}, "", 1, ""},
		{"errors only", []string{"validate", "--color", "never", "--level", "error", four}, "", 1, "validate-four-errors-level-error.txt"},
		{"bad level", []string{"validate", "--level", "fatal", valid}, "", 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tc.args, strings.NewReader(tc.stdin), &out, &errOut)
			if code != tc.exit {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.exit, out.String(), errOut.String())
			}
			if tc.golden == "" {
				return
			}
			golden.Check(t, "../../testdata/cli/"+tc.golden, out.String())
		})
	}
}

func TestValidateOutcomeFormats(t *testing.T) {
	var out bytes.Buffer
	run([]string{"validate", "--format", "outcome", "../../testdata/validate/patient-four-errors.json"}, nil, &out, &out)
	var oo struct{ ResourceType string }
	if err := json.Unmarshal(out.Bytes(), &oo); err != nil || oo.ResourceType != "OperationOutcome" {
		t.Fatalf("one input: want an OperationOutcome, got %s (%v)", out.String(), err)
	}
	out.Reset()
	run([]string{"validate", "--format", "outcome", "../../testdata/validate/patient-four-errors.json", "../../testdata/validate/valid-patient.json"}, nil, &out, &out)
	var b struct {
		ResourceType, Type string
		Entry              []struct{ Resource struct{ ResourceType string } }
	}
	if err := json.Unmarshal(out.Bytes(), &b); err != nil || b.ResourceType != "Bundle" || b.Type != "collection" || len(b.Entry) != 2 {
		t.Fatalf("two inputs: want a collection Bundle of 2, got %s (%v)", out.String(), err)
	}
}

// A .json.gz file is read decompressed, as the web app does.
func TestValidateGzip(t *testing.T) {
	data, err := os.ReadFile("../../testdata/validate/patient-four-errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	path := filepath.Join(t.TempDir(), "p.json.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"validate", "--color", "never", path}, nil, &out, &out); code != 1 || !strings.Contains(out.String(), "favouriteColour") {
		t.Fatalf("exit %d, output:\n%s", code, out.String())
	}
}

// --core swaps the embedded R4 for another version's core package: STU3
// content that R4 rejects as unknown is then checked as STU3.
func TestValidateWithSTU3Core(t *testing.T) {
	core := filepath.Join(sharedtest.Dir(t), "fhir", "hl7.fhir.r3.core-3.0.1.tgz")
	var out bytes.Buffer
	code := run([]string{"validate", "--color", "never", "--core", core, "../../testdata/validate/stu3-procedurerequest.json"}, nil, &out, &out)
	if strings.Contains(out.String(), "resource.unknown-type") || !strings.Contains(out.String(), "code is required") || code != 1 {
		t.Fatalf("exit %d, output:\n%s", code, out.String())
	}
}

// The reference validator's settings: each changes the exit status on an
// input made for it, and its default is the reference validator's.
func TestValidateReferenceOptions(t *testing.T) {
	const head = `{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},`
	html := head + `"name":[{"text":"Standard <script>x</script>"}]}`
	example := head + `"extension":[{"url":"http://example.org/fhir/ext","valueString":"x"}]}`
	other := head + `"extension":[{"url":"http://other.org/fhir/ext","valueString":"x"}]}`
	comment := head + `/* a comment */ "active":true}`
	tests := []struct {
		name  string
		args  []string
		stdin string
		exit  int
	}{
		{"html is a note by default", nil, html, 0},
		{"--security-checks", []string{"--security-checks"}, html, 1},
		{"example URLs allowed by default", nil, example, 0},
		{"--allow-example-urls=false", []string{"--allow-example-urls=false"}, example, 1},
		{"comments are errors by default", nil, comment, 1},
		{"--allow-comments", []string{"--allow-comments"}, comment, 0},
		{"unknown extensions are errors by default", nil, other, 1},
		{"--allowed-extension-domain", []string{"--allowed-extension-domain", "http://other.org/"}, other, 0},
		{"--allow-any-extensions", []string{"--allow-any-extensions"}, other, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append(append([]string{"validate", "--color", "never"}, tc.args...), "-")
			if code := run(args, strings.NewReader(tc.stdin), &out, &errOut); code != tc.exit {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.exit, out.String(), errOut.String())
			}
		})
	}
}
