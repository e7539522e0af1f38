package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/report"
)

// copyDir copies the regular files of src (not recursive) into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runReportTwice runs `fhirlens report ARGS --out` twice and checks that the
// four files are written and byte-identical; it returns the first folder.
func runReportTwice(t *testing.T, args ...string) string {
	t.Helper()
	var outs []string
	for i := range 2 {
		out := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		code := run(append(append([]string{"report"}, args...), "--out", out), nil, &stdout, &stderr)
		if code != 0 && code != 1 {
			t.Fatalf("run %d: exit %d\n%s%s", i, code, stdout.String(), stderr.String())
		}
		outs = append(outs, out)
	}
	for _, name := range []string{"report.json", "report.html", "report.sarif", "report.junit.xml"} {
		a, err := os.ReadFile(filepath.Join(outs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(outs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs of the same inputs", name)
		}
	}
	return outs[0]
}

func readReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func verify(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"verify"}, args...), nil, &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

func TestReportAndVerify(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	copyDir(t, "../../testdata/validate", in)
	out := runReportTwice(t, in)
	r := readReport(t, out)
	if r.Summary.Inputs < 10 || r.Summary.Conform == 0 || r.Summary.Conform == r.Summary.Inputs {
		t.Fatalf("summary %+v: want several inputs, some conforming and some not", r.Summary)
	}
	if r.Matrix != nil {
		t.Errorf("a flat folder is not a plugfest")
	}
	if code, msg := verify(t, filepath.Join(out, "report.json"), in); code != 0 || !strings.HasPrefix(msg, "verified:") {
		t.Fatalf("verify of an unchanged run: exit %d\n%s", code, msg)
	}
	// Same findings, different bytes: the hash gives it away.
	p := filepath.Join(in, "valid-patient.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, msg := verify(t, filepath.Join(out, "report.json"), in); code != 1 || !strings.Contains(msg, "valid-patient.json: the input changed") {
		t.Fatalf("verify after editing an input: exit %d\n%s", code, msg)
	}
	// A new error: the verdict and the finding are named.
	if err := os.WriteFile(p, bytes.Replace(data, []byte(`"gender": "male"`), []byte(`"gender": "M"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, msg := verify(t, filepath.Join(out, "report.json"), in)
	if code != 1 || !strings.Contains(msg, "verdict conforms → fails") || !strings.Contains(msg, "new: ") {
		t.Fatalf("verify after adding an error: exit %d\n%s", code, msg)
	}
}

// Report on the R4 specification examples: the four files, byte-identical
// twice (verify itself is tested on smaller inputs below and above).
func TestReportR4Examples(t *testing.T) {
	if testing.Short() {
		t.Skip("validates every R4 example twice")
	}
	dir := filepath.Join(t.TempDir(), "examples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(name string, data []byte) {
		n++
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	out := runReportTwice(t, dir)
	r := readReport(t, out)
	if r.Summary.Inputs != n || r.Summary.Conform < n*99/100 {
		t.Errorf("summary %+v for %d examples: want at least 99%% conforming", r.Summary, n)
	}
	t.Logf("%d inputs, report.json %d bytes", n, len(r.JSON()))
}

// A plugfest made from the reference data: US Core examples as one system,
// Synthea bulk data as another, R4 examples as a third.
func TestReportPlugfest(t *testing.T) {
	shared := sharedtest.Dir(t)
	pf := filepath.Join(t.TempDir(), "plugfest")
	copyDir(t, filepath.Join(shared, "ig", "us-core-3.1.1-examples"), filepath.Join(pf, "SupplierA"))
	synthea := filepath.Join(pf, "SupplierB")
	if err := os.MkdirAll(synthea, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Patient.000.ndjson", "AllergyIntolerance.000.ndjson", "Immunization.000.ndjson"} {
		data, err := os.ReadFile(filepath.Join(shared, "corpus", "synthea-10-patients", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(synthea, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := filepath.Join(pf, "SupplierC")
	if err := os.MkdirAll(c, 0o755); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"Patient-example.json": true, "Observation-example.json": true, "AllergyIntolerance-example.json": true}
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(n string, data []byte) {
		if want[filepath.Base(n)] {
			if err := os.WriteFile(filepath.Join(c, filepath.Base(n)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
	usCore := filepath.Join(shared, "fhir", "hl7.fhir.us.core-3.1.0.tgz")
	out := runReportTwice(t, "--ig", usCore, pf)
	r := readReport(t, out)
	if r.Matrix == nil {
		t.Fatal("no plugfest matrix")
	}
	var systems []string
	for _, row := range r.Matrix.Rows {
		systems = append(systems, row.System)
		if len(row.Cells) != len(r.Matrix.Columns) {
			t.Errorf("%s: %d cells for %d columns", row.System, len(row.Cells), len(r.Matrix.Columns))
		}
	}
	if strings.Join(systems, ",") != "SupplierA,SupplierB,SupplierC" {
		t.Errorf("systems %q", systems)
	}
	cols := strings.Join(r.Matrix.Columns, " ")
	if !strings.Contains(cols, "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient") || !strings.Contains(cols, "Patient") {
		t.Errorf("columns %s: want US Core profiles and plain resource types", cols)
	}
	if len(r.Definitions.Guides) != 1 || r.Definitions.Guides[0].Name != "hl7.fhir.us.core" || r.Definitions.Guides[0].Version != "3.1.0" {
		t.Errorf("guides %+v", r.Definitions.Guides)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if !bytes.Contains(html, []byte("Plugfest matrix")) {
		t.Error("report.html has no matrix")
	}
	// verify needs the guide again, and passes with it.
	if code, msg := verify(t, filepath.Join(out, "report.json"), pf); code != 2 || !strings.Contains(msg, "hl7.fhir.us.core#3.1.0") {
		t.Errorf("verify without the guide: exit %d\n%s", code, msg)
	}
	if code, msg := verify(t, "--ig", usCore, filepath.Join(out, "report.json"), pf); code != 0 {
		t.Errorf("verify: exit %d\n%.2000s", code, msg)
	}
	// Another guide package under the same name is a change.
	var js map[string]any
	data, _ := os.ReadFile(filepath.Join(out, "report.json"))
	json.Unmarshal(data, &js)
	js["definitions"].(map[string]any)["guides"].([]any)[0].(map[string]any)["version"] = "3.1.1"
	data, _ = json.Marshal(js)
	edited := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(edited, data, 0o644)
	if code, msg := verify(t, "--ig", usCore, edited, pf); code != 1 || !strings.Contains(msg, "guide hl7.fhir.us.core: version 3.1.1 → 3.1.0") {
		t.Errorf("verify with another guide version: exit %d\n%.2000s", code, msg)
	}
}

// A report over folders with no FHIR files is an error, not an empty report.
func TestReportEmptyFolder(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"report", "--out", filepath.Join(t.TempDir(), "r"), t.TempDir()}, nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "nothing to validate") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
