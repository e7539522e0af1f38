package record

import (
	"context"
	"testing"

	"github.com/fhirlens/fhirlens/validator"
)

// summarizeOnReport validates data and builds the record on the validator's
// graph and resource list, as the browser does for a single file.
func summarizeOnReport(t *testing.T, name string, data []byte) (*Model, *validator.Report) {
	t.Helper()
	v, err := validator.New(validator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := v.Validate(context.Background(), validator.FileInput(name, data))
	offsets := make([]int, len(rep.Resources))
	for i, r := range rep.Resources {
		offsets[i] = r.Offset
	}
	m, err := Summarize(data, Options{Now: goldenNow, Graph: rep.Graph(), ResourceOffsets: offsets})
	if err != nil {
		t.Fatal(err)
	}
	return m, rep
}

// TestRecordOnValidatorGraph: the issue 9 case — a bundle holding
// http://a.org/fhir/Patient/1 and http://b.org/fhir/Patient/1, and an
// Observation at http://b.org/fhir/Observation/x referencing Patient/1. The
// record follows the validator's graph: b.org (the Observation's base).
func TestRecordOnValidatorGraph(t *testing.T) {
	data := []byte(`{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"http://a.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","name":[{"family":"A-org"}]}},
{"fullUrl":"http://b.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","name":[{"family":"B-org"}]}},
{"fullUrl":"http://b.org/fhir/Observation/x","resource":{"resourceType":"Observation","id":"x","status":"final",
 "code":{"text":"weight"},"subject":{"reference":"Patient/1"}}}]}`)
	m, rep := summarizeOnReport(t, "ab.json", data)
	g := rep.Graph()
	if g == nil {
		t.Fatal("the report has no graph for a JSON Bundle")
	}
	var obs *Card
	for _, c := range allCards(m) {
		if c.ResourceType == "Observation" {
			obs = c
		}
	}
	if obs == nil || len(obs.References) != 1 {
		t.Fatalf("observation card %+v", obs)
	}
	res := g.Resolve(2, "Patient/1")
	if want := "entry:" + itoa(res.Entry); obs.References[0].TargetKey != want || want != "entry:1" {
		t.Errorf("record resolves Patient/1 to %q, the validator's graph to %q; want entry:1 (b.org)", obs.References[0].TargetKey, want)
	}
	if obs.Patient != "entry:1" {
		t.Errorf("the observation is filed under patient %q, want entry:1 (b.org)", obs.Patient)
	}
}

// TestCardsCarryReportIndex: every card of the record inputs carries the
// index of its resource in the validator's report.
func TestCardsCarryReportIndex(t *testing.T) {
	for _, name := range []string{"clinical-bundle.json", "patient-bundle.json", "document-bundle.json", "small.ndjson"} {
		data := recordTestdata(t, name)
		m, rep := summarizeOnReport(t, name, data)
		checkAccounted(t, m)
		for _, c := range allCards(m) {
			if c.Resource == nil {
				t.Errorf("%s: card %s has no report index", name, c.Key)
				continue
			}
			r := rep.Resources[*c.Resource]
			if r.Type != c.ResourceType || r.Offset != c.Location.Offset {
				t.Errorf("%s: card %s (%s at %d) joined to report resource %d (%s at %d)", name, c.Key, c.ResourceType, c.Location.Offset, *c.Resource, r.Type, r.Offset)
			}
		}
	}
}
