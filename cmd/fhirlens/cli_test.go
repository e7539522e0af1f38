package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Help goes to stdout with exit 0, for every command and every spelling.
func TestHelpToStdout(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"}, {"help", "validate"},
		{"validate", "--help"}, {"validate", "-h"}, {"report", "--help"}, {"verify", "-help"},
		{"fhirpath", "--help"}, {"serve", "--help"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, nil, &out, &errOut); code != 0 || errOut.Len() != 0 || !strings.Contains(out.String(), "usage: fhirlens") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// The top-level help lists every command and every flag of every command,
// taken from the flag sets the commands parse with.
func TestTopLevelHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	run([]string{"help"}, nil, &out, &out)
	for _, c := range commands {
		if !strings.Contains(out.String(), "fhirlens "+c.name) {
			t.Errorf("help does not list %q", c.name)
		}
		if c.flags == nil {
			continue
		}
		for _, name := range flagNames(c.flags()) {
			if !strings.Contains(out.String(), "--"+name) {
				t.Errorf("help does not list %s --%s", c.name, name)
			}
		}
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	const four = "../../testdata/validate/patient-four-errors.json"
	var out, errOut bytes.Buffer
	code := run([]string{"validate", four, "--format", "json", "--level", "error"}, nil, &out, &errOut)
	if code != 1 || !strings.HasPrefix(out.String(), "[") || strings.Contains(out.String(), `"severity": "warning"`) {
		t.Fatalf("exit %d (want 1), stdout %.200q, stderr %q", code, out.String(), errOut.String())
	}
	// "--" ends the flags: what follows is a file name even if it looks like a flag.
	out.Reset()
	errOut.Reset()
	code = run([]string{"validate", "--", "--format"}, nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "--format") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"validate", "--formt", "json", "x.json"}, "did you mean --format?"},
		{[]string{"validate", "x.json", "--no-invariant"}, "did you mean --no-invariants?"},
		{[]string{"validate", "--levl=error", "x.json"}, "did you mean --level?"},
		{[]string{"report", "--otu", "dir", "x.json"}, "did you mean --out?"},
		{[]string{"valdiate", "x.json"}, "did you mean 'fhirlens validate'?"},
		{[]string{"reprot"}, "did you mean 'fhirlens report'?"},
		{[]string{"--verison"}, "did you mean 'fhirlens version'?"},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		if code := run(tc.args, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", tc.args, code, errOut.String(), tc.want)
		}
	}
	// Nothing close: no suggestion.
	var out, errOut bytes.Buffer
	run([]string{"validate", "--zzzzzz", "x.json"}, nil, &out, &errOut)
	if strings.Contains(errOut.String(), "did you mean") {
		t.Errorf("unexpected suggestion: %q", errOut.String())
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"format", "level", "color", "core", "ig", "no-invariants", "summary"}
	for in, want := range map[string]string{"formt": "format", "fromat": "format", "colour": "color", "cor": "core", "summ": "summary", "xyz": "", "i": "ig"} {
		if got := suggest(in, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVersion(t *testing.T) {
	defer func(v string) { version = v }(version)
	version = "v1.2.3-test"
	var out bytes.Buffer
	if code := run([]string{"version"}, nil, &out, &out); code != 0 || !strings.HasPrefix(out.String(), "fhirlens v1.2.3-test") || !strings.Contains(out.String(), "4.0.1") {
		t.Fatalf("exit %d: %q", code, out.String())
	}
}

func TestSummaryPerRule(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "--summary", "../../testdata/validate/patient-four-errors.json", "../../testdata/validate/valid-patient.json"}, nil, &out, &errOut)
	got := out.String()
	if code != 1 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	// header, 4 error rules (one finding each), dom-6, totals
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "rule") || !strings.Contains(lines[len(lines)-1], "2 files") {
		t.Fatalf("summary:\n%s", got)
	}
	errRow, warnRow := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "element.unknown") && strings.Contains(l, "error") {
			errRow = i
		}
		if strings.HasPrefix(l, "dom-6") {
			warnRow = i
			if !strings.Contains(l, "A resource should have narrative") {
				t.Errorf("dom-6 row without its summary: %q", l)
			}
		}
	}
	if errRow < 0 || warnRow < 0 || errRow > warnRow {
		t.Errorf("want error rules before warnings:\n%s", got)
	}
}

// A folder with no FHIR files in it is said so; when nothing at all is left
// to validate, that is an error, not a silent pass.
func TestValidateEmptyFolder(t *testing.T) {
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "readme.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"validate", empty}, nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "holds no .json, .ndjson or .xml files") || !strings.Contains(errOut.String(), "nothing to validate") {
		t.Errorf("empty folder: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	out.Reset()
	errOut.Reset()
	code = run([]string{"validate", "--color", "never", empty, "../../testdata/validate/valid-patient.json"}, nil, &out, &errOut)
	if code != 0 || !strings.Contains(errOut.String(), "holds no .json") || strings.Contains(errOut.String(), "nothing to validate") {
		t.Errorf("empty folder and a file: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
