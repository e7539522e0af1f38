package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes holds every command to the one convention the help states:
// 0 nothing wrong, 1 errors found in the input (or, for verify, a changed
// report; for snapshot, errors generating it), 2 usage error, unreadable
// input or a failure of fhirlens itself.
func TestExitCodes(t *testing.T) {
	const (
		valid = "../../testdata/validate/valid-patient.json"
		four  = "../../testdata/validate/patient-four-errors.json"
		junk  = "../../testdata/validate/binary-junk.bin"
	)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	profile := filepath.Join(dir, "p.json")
	if err := os.WriteFile(profile, []byte(snapshotTestProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	// A report of the valid patient, for verify.
	reportDir := filepath.Join(dir, "valid-report")
	if code := run([]string{"report", "--out", reportDir, valid}, nil, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("report of the valid patient: exit %d", code)
	}
	reportJSON := filepath.Join(reportDir, "report.json")

	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"valdate", valid}, 2},
		{"help", []string{"help"}, 0},
		{"version", []string{"version"}, 0},

		{"validate valid", []string{"validate", valid}, 0},
		{"validate errors", []string{"validate", four}, 1},
		{"validate not JSON", []string{"validate", junk}, 1}, // a finding, like any other error in the input
		{"validate missing file", []string{"validate", missing}, 2},

		{"report valid", []string{"report", "--out", filepath.Join(dir, "r1"), valid}, 0},
		{"report errors", []string{"report", "--out", filepath.Join(dir, "r2"), four}, 1},
		{"report missing file", []string{"report", "--out", filepath.Join(dir, "r3"), missing}, 2},

		{"verify unchanged", []string{"verify", reportJSON, valid}, 0},
		{"verify changed", []string{"verify", reportJSON, four}, 1},
		{"verify missing report", []string{"verify", missing}, 2},

		{"snapshot", []string{"snapshot", "--out", filepath.Join(dir, "s"), profile}, 0},
		{"snapshot no profile", []string{"snapshot", valid}, 2},
		{"snapshot missing file", []string{"snapshot", missing}, 2},

		{"fhirpath", []string{"fhirpath", "name.given", valid}, 0},
		{"fhirpath no result", []string{"fhirpath", "name.nothing", valid}, 0},
		{"fhirpath bad expression", []string{"fhirpath", "name.where(", valid}, 2},
		{"fhirpath not JSON", []string{"fhirpath", "name", junk}, 2},
		{"fhirpath missing file", []string{"fhirpath", "name", missing}, 2},

		{"convert", []string{"convert", "--out", filepath.Join(dir, "p.xml"), valid}, 0},
		{"convert missing file", []string{"convert", missing}, 2},

		{"rules", []string{"rules"}, 0},
		{"rules bad format", []string{"rules", "--format", "yaml"}, 2},

		{"serve app not built", []string{"serve", "--dir", t.TempDir()}, 2},
	}
	// Every command with flags refuses an unknown one, and says so with 2.
	for _, c := range commands {
		if c.flags != nil {
			tests = append(tests, struct {
				name string
				args []string
				want int
			}{c.name + " unknown flag", []string{c.name, "--no-such-flag"}, 2})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tt.args, strings.NewReader(""), &stdout, &stderr); got != tt.want {
				t.Errorf("fhirlens %s: exit %d, want %d\nstdout: %.500s\nstderr: %.500s", strings.Join(tt.args, " "), got, tt.want, stdout.String(), stderr.String())
			}
		})
	}
}
