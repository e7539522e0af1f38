package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator"
)

func testValidator(t testing.TB) *validator.Validator {
	t.Helper()
	v, err := validator.New(validator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var sampleOnce sync.Once
var samples map[string]*Report

// sampleReports are reports of the repository's test inputs: the validate
// fixtures, and a plugfest with awkward names, a date, a guide and a profile.
func sampleReports(t testing.TB) map[string]*Report {
	t.Helper()
	sampleOnce.Do(func() {
		v := testValidator(t)
		dir := filepath.Join(sharedtest.Root(), "testdata", "validate")
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var flat, pf []Source
		for i, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			flat = append(flat, Source{Name: e.Name(), Data: data, Report: v.Validate(context.Background(), validator.FileInput(e.Name(), data))})
			sys := []string{"Supplier A", "Ünïcode & <Co>"}[i%2]
			name := sys + "/sub dir/" + e.Name()
			pf = append(pf, Source{Name: name, Data: data, Report: v.Validate(context.Background(), validator.FileInput(name, data))})
		}
		meta := Meta{Tool: Tool{Version: "test", Commit: "0123abc"}, Definitions: Definitions{FHIRVersion: "4.0.1", Core: EmbeddedR4()},
			Options: Options{Invariants: true}}
		samples = map[string]*Report{"validate": Build(meta, flat), "empty": Build(meta, nil)}
		meta.Plugfest = true
		meta.Date = "2026-12-07"
		meta.Definitions.Guides = []Package{{Name: "example.guide", Version: "1.0.0", SHA256: strings.Repeat("ab", 32)}}
		meta.Options.Profiles = []string{"http://hl7.org/fhir/StructureDefinition/vitalsigns"}
		samples["plugfest"] = Build(meta, pf)
	})
	return samples
}

func TestBuildCounts(t *testing.T) {
	r := sampleReports(t)["validate"]
	var errs, conform int
	for _, in := range r.Inputs {
		errs += in.Counts.Errors
		n := 0
		for _, f := range in.Findings {
			if f.Severity == "fatal" || f.Severity == "error" {
				n++
			}
		}
		if n != in.Counts.Errors || (n == 0) != (in.Verdict == Conforms) {
			t.Errorf("%s: %d error findings, counts %+v, verdict %s", in.Name, n, in.Counts, in.Verdict)
		}
		if in.Verdict == Conforms {
			conform++
		}
		if len(in.SHA256) != 64 || in.Size == 0 {
			t.Errorf("%s: size %d sha256 %q", in.Name, in.Size, in.SHA256)
		}
	}
	if errs != r.Summary.Errors || conform != r.Summary.Conform || r.Summary.Inputs != len(r.Inputs) {
		t.Errorf("summary %+v, counted %d errors, %d conforming", r.Summary, errs, conform)
	}
	if !slices.IsSortedFunc(r.Rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("rules not sorted by id")
	}
}

func TestJSONRoundTripAndDeterminism(t *testing.T) {
	for name, r := range sampleReports(t) {
		data := r.JSON()
		back, err := Read(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(back.JSON(), data) {
			t.Errorf("%s: report.json does not survive a read and write", name)
		}
		if len(Compare(r, back)) != 0 {
			t.Errorf("%s: a report differs from itself: %q", name, Compare(r, back))
		}
	}
	if _, err := Read([]byte(`{"format":"something else"}`)); err == nil {
		t.Error("read a JSON file that is not a report")
	}
}

func TestPlugfestMatrix(t *testing.T) {
	r := sampleReports(t)["plugfest"]
	m := r.Matrix
	if m == nil || len(m.Rows) != 2 || m.Columns[0] != FilesColumn {
		t.Fatalf("matrix %+v", m)
	}
	total := 0
	for _, row := range m.Rows {
		total += row.Cells[0].Resources
		for c, cell := range row.Cells {
			if (cell.Resources == 0) != (cell.Verdict == "") || (cell.Failing > 0) != (cell.Verdict == Fails) {
				t.Errorf("%s/%s: %+v", row.System, m.Columns[c], cell)
			}
		}
	}
	if total != len(r.Inputs) {
		t.Errorf("files column counts %d of %d inputs", total, len(r.Inputs))
	}
}

// report.html is one page with nothing to fetch and no script, and the
// inputs' text in it is text, never markup.
func TestHTMLSelfContained(t *testing.T) {
	for name, r := range sampleReports(t) {
		h := string(r.HTML())
		for _, bad := range []string{"<script", "src=", "<link", "@import", "url(", "<Co>", "http-equiv"} {
			if strings.Contains(h, bad) {
				t.Errorf("%s: report.html contains %q", name, bad)
			}
		}
		if !strings.HasPrefix(h, "<!DOCTYPE html>") || !strings.Contains(h, "<table class=\"inputs\">") {
			t.Errorf("%s: not the expected page", name)
		}
	}
	h := string(sampleReports(t)["plugfest"].HTML())
	if !strings.Contains(h, "&lt;Co&gt;") || !strings.Contains(h, "Plugfest matrix") || !strings.Contains(h, "2026-12-07") {
		t.Error("plugfest report.html lacks the escaped system name, the matrix or the date")
	}
}

func TestCompare(t *testing.T) {
	old := sampleReports(t)["validate"]
	fresh, _ := Read(old.JSON())
	fresh.Inputs[0].SHA256 = strings.Repeat("0", 64)
	fresh.Inputs[1].Findings = append(fresh.Inputs[1].Findings, Finding{Rule: "x.y", Severity: "error", Message: "new one", Resource: -1})
	fresh.Inputs[1].Verdict = Fails
	fresh.Definitions.Core.SHA256 = "other"
	fresh.Inputs = fresh.Inputs[:len(fresh.Inputs)-1]
	d := strings.Join(Compare(old, fresh), "\n")
	for _, want := range []string{old.Inputs[0].Name + ": the input changed", "new: file error new one [x.y]", "core definitions:", "in the report, not in the re-run"} {
		if !strings.Contains(d, want) {
			t.Errorf("comparison lacks %q:\n%s", want, d)
		}
	}
}

func TestGroupByRule(t *testing.T) {
	fs := []Finding{
		{Rule: "dom-6", Severity: "warning"}, {Rule: "a", Severity: "information"}, {Rule: "dom-6", Severity: "warning"},
		{Rule: "element.unknown", Severity: "error"}, {Rule: "json.syntax", Severity: "fatal"}, {Rule: "dom-6", Severity: "warning"},
	}
	var got []string
	for _, g := range GroupByRule(fs) {
		got = append(got, g.Rule+":"+Num(len(g.Findings)))
	}
	// errors (fatal alike) first, then by count, then id
	if want := "element.unknown:1 json.syntax:1 dom-6:3 a:1"; strings.Join(got, " ") != want {
		t.Errorf("groups %q, want %q", strings.Join(got, " "), want)
	}
}

func TestNumbersAndPlurals(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 17212: "17,212", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := Num(n); got != want {
			t.Errorf("Num(%d) = %q, want %q", n, got, want)
		}
	}
	if Plural(1, "resource") != "1 resource" || Plural(0, "error") != "0 errors" || Plural(1500, "finding") != "1,500 findings" {
		t.Error("plurals")
	}
	if got := CountsLine(Counts{Errors: 4, Warnings: 989, Notes: 1}, 391); got != "391 resources: 4 errors, 989 warnings, 1 note" {
		t.Errorf("CountsLine = %q", got)
	}
}
