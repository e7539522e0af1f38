package record

import (
	"strings"
	"testing"
)

// TestSummarizeFilesBulkExport: the 14 ndjson files of a bulk export dropped
// together are one record — every patient has their problems, medications
// and allergies, and nothing is "not in this file".
func TestSummarizeFilesBulkExport(t *testing.T) {
	files := syntheaFiles(t)
	if len(files) != 14 {
		t.Fatalf("%d Synthea files, want 14", len(files))
	}
	m, err := SummarizeFiles(files, Options{Now: goldenNow, OmitAttachmentData: true})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, m)
	if m.Input.Kind != "set" || len(m.Files) != 14 {
		t.Errorf("input %+v, %d files", m.Input, len(m.Files))
	}
	if len(m.Duplicates) != 0 {
		t.Errorf("%d duplicates in an export without any", len(m.Duplicates))
	}
	if len(m.Patients) != 13 {
		t.Fatalf("%d patients, want 13", len(m.Patients))
	}
	want := map[string]int{} // per section id, cards expected in some patient
	types := map[string]string{"AllergyIntolerance": "allergies", "MedicationRequest": "medications", "Condition": ""}
	got := map[string]int{}
	for _, p := range m.Patients {
		if !p.Banner.InInput || p.Card == nil {
			t.Errorf("patient %s is only referenced: the Patient file was not joined", p.Key)
		}
		for _, s := range p.Sections {
			for _, c := range s.Cards {
				got[c.ResourceType]++
			}
		}
	}
	for _, f := range files {
		typ := strings.SplitN(f.Name, ".", 2)[0]
		if _, ok := types[typ]; ok {
			want[typ] = strings.Count(string(f.Data), "\n")
		}
	}
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s: %d in patient records, %d in the file", typ, got[typ], n)
		}
	}
	// A reference into another file resolves: no card says "not in input".
	for _, c := range allCards(m) {
		for _, r := range c.References {
			if (r.Path == "patient" || r.Path == "subject") && r.TargetKey == "" {
				t.Errorf("%s: %s %s does not resolve across files", c.Key, r.Path, r.Reference)
			}
		}
	}
}

// TestSummarizeFilesDuplicates: the same resource in two files is said once.
func TestSummarizeFilesDuplicates(t *testing.T) {
	data := recordTestdata(t, "clinical-bundle.json")
	m, err := SummarizeFiles([]File{{Name: "a.json", Data: data}, {Name: "b.json", Data: data}}, Options{Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, m)
	one, _ := Summarize(data, Options{Now: goldenNow})
	if len(m.Duplicates) != one.Input.Resources || len(allCards(m)) != one.Input.Resources {
		t.Errorf("%d duplicates and %d cards, want %d of each", len(m.Duplicates), len(allCards(m)), one.Input.Resources)
	}
	if len(m.Patients) != 1 {
		t.Errorf("%d patients, want 1", len(m.Patients))
	}
	if d := m.Duplicates[0]; !strings.HasPrefix(d.SameAs, "f0:") || d.Location.File == nil || *d.Location.File != 1 {
		t.Errorf("duplicate %+v: want the second file's copy pointing at the first", d)
	}
}
