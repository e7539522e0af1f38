package record

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/validator/fhirxml"
)

// TestGPConnectXMLList: an NHS STU3 List written in XML (CareConnect ITK
// allergy list) becomes a summary section named by its code, with its entry
// (whose target is not in the file, said so).
func TestGPConnectXMLList(t *testing.T) {
	xml, err := os.ReadFile(filepath.Join(sharedDir(t), "ig", "nhs-stu3-fhir-assets", "Examples", "CareConnect-ITK-DM-Allergy-List-1-Example1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := fhirxml.ToJSONVersion(xml, "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Summarize(js, Options{Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	// The List's subject is a urn:uuid not in the file: nothing says it is a
	// Patient, so the List stands on its own.
	if len(m.Lists) != 1 {
		t.Fatalf("%d list sections, want 1", len(m.Lists))
	}
	list := &m.Lists[0]
	if list.Title != "Allergies and adverse reaction" || list.Rows != 1 {
		t.Errorf("list section %q with %d rows, want \"Allergies and adverse reaction\" with 1", list.Title, list.Rows)
	}
	if c := list.Groups[0].Rows[0].Cells; c[len(c)-1].Absent != "not in input" {
		t.Errorf("the entry's target is not in the file, the row says %+v", c)
	}
}
