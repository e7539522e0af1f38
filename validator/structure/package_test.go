package structure

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// TestCorePackagesRoundTrip decodes every StructureDefinition of the R4 and
// STU3 core packages and US Core, and checks that each element written back
// is the same JSON as read (same members and values; order canonical).
func TestCorePackagesRoundTrip(t *testing.T) {
	for _, pkg := range []string{"fhir/hl7.fhir.r4.core-4.0.1.tgz", "fhir/hl7.fhir.us.core-3.1.0.tgz", "fhir/hl7.fhir.r3.core-3.0.1.tgz"} {
		n, elements := 0, 0
		sharedtest.EachJSON(t, pkg, func(name string, data []byte) {
			var head struct {
				ResourceType string `json:"resourceType"`
			}
			if json.Unmarshal(data, &head) != nil || head.ResourceType != "StructureDefinition" {
				return
			}
			sd, err := Decode(data)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			n++
			var raw struct {
				Snapshot struct {
					Element []json.RawMessage `json:"element"`
				} `json:"snapshot"`
			}
			if err := json.Unmarshal(data, &raw); err != nil || sd.Snapshot == nil {
				return
			}
			stu3 := strings.Contains(pkg, "r3")
			for i, e := range sd.Snapshot.Element {
				out, err := json.Marshal(e)
				if err != nil {
					t.Fatalf("%s element %d: %v", name, i, err)
				}
				elements++
				if stu3 {
					continue // STU3 shapes are read into R4's: not the same JSON by design
				}
				var a, b any
				_ = json.Unmarshal(raw.Snapshot.Element[i], &a)
				_ = json.Unmarshal(out, &b)
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("%s element %s: round trip differs\n in %s\nout %s", name, e.ID, raw.Snapshot.Element[i], out)
				}
			}
		})
		t.Logf("%s: %d StructureDefinitions, %d snapshot elements", pkg, n, elements)
		if n == 0 {
			t.Errorf("%s: no StructureDefinition read", pkg)
		}
	}
}
