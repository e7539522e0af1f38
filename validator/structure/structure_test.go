package structure

import (
	"encoding/json"
	"testing"
)

func TestDecodeR4Element(t *testing.T) {
	in := `{"resourceType":"StructureDefinition","url":"http://x/sd","name":"X","kind":"resource","abstract":false,
	"type":"Patient","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","derivation":"constraint",
	"context":[{"type":"element","expression":"Patient"}],
	"differential":{"element":[
	 {"id":"Patient.identifier","path":"Patient.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"open"},"min":1},
	 {"id":"Patient.identifier:nhs","path":"Patient.identifier","sliceName":"nhs","min":1,"max":"1"},
	 {"id":"Patient.identifier:nhs.system","path":"Patient.identifier.system","fixedUri":"https://fhir.nhs.uk/Id/nhs-number","_short":{"extension":[]}},
	 {"id":"Patient.gender","path":"Patient.gender","patternCode":"female","binding":{"strength":"required","valueSet":"http://vs|4.0.1"},
	  "type":[{"code":"code","profile":["http://p"]}]}
	]}}`
	sd, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	els := sd.Differential.Element
	if len(els) != 4 || els[0].Slicing == nil || els[0].Slicing.Discriminator[0].Path != "system" || els[0].MinOr(0) != 1 {
		t.Fatalf("elements %+v", els)
	}
	if els[1].SliceName != "nhs" || els[1].MaxInt(-1) != 1 {
		t.Errorf("slice %+v", els[1])
	}
	if els[2].Fixed == nil || els[2].Fixed.FHIRType() != "uri" || string(els[2].Fixed.JSON) != `"https://fhir.nhs.uk/Id/nhs-number"` {
		t.Errorf("fixed %+v", els[2].Fixed)
	}
	if len(els[2].Other) != 1 || els[2].Other[0].Key != "_short" {
		t.Errorf("other %+v", els[2].Other)
	}
	if els[3].Pattern == nil || els[3].Pattern.FHIRType() != "code" || els[3].Binding.ValueSet != "http://vs|4.0.1" {
		t.Errorf("pattern/binding %+v %+v", els[3].Pattern, els[3].Binding)
	}
	// written back in FHIR order, choice values in place
	out, err := json.Marshal(els[3])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"Patient.gender","path":"Patient.gender","type":[{"code":"code","profile":["http://p"]}],"patternCode":"female","binding":{"strength":"required","valueSet":"http://vs|4.0.1"}}`
	if string(out) != want {
		t.Errorf("marshal\n got %s\nwant %s", out, want)
	}
	out, _ = json.Marshal(els[2])
	if want := `{"id":"Patient.identifier:nhs.system","path":"Patient.identifier.system","_short":{"extension":[]},"fixedUri":"https://fhir.nhs.uk/Id/nhs-number"}`; string(out) != want {
		t.Errorf("marshal\n got %s\nwant %s", out, want)
	}
}

func TestDecodeSTU3Shapes(t *testing.T) {
	in := `{"resourceType":"StructureDefinition","url":"http://x/ext","name":"E","kind":"complex-type","abstract":false,
	"contextType":"resource","context":["Patient","Observation.code"],"type":"Extension",
	"snapshot":{"element":[{"path":"Extension.value[x]","type":[{"code":"Reference","targetProfile":"http://hl7.org/fhir/StructureDefinition/Patient","profile":"http://p"}],
	 "binding":{"strength":"extensible","valueSetReference":{"reference":"http://vs"}}},
	 {"path":"Extension.url","binding":{"strength":"required","valueSetUri":"http://vs2"}}]}}`
	sd, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.Context) != 2 || sd.Context[1] != (Context{Type: "element", Expression: "Observation.code"}) {
		t.Errorf("context %+v", sd.Context)
	}
	e := sd.Snapshot.Element[0]
	if e.Type[0].TargetProfile[0] != "http://hl7.org/fhir/StructureDefinition/Patient" || e.Type[0].Profile[0] != "http://p" {
		t.Errorf("type %+v", e.Type)
	}
	if e.Binding.ValueSet != "http://vs" || sd.Snapshot.Element[1].Binding.ValueSet != "http://vs2" {
		t.Errorf("bindings %+v %+v", e.Binding, sd.Snapshot.Element[1].Binding)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, in := range []string{`{"resourceType":"ValueSet"}`, `[1]`, `{"resourceType":"StructureDefinition","context":[1]}`} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%s) gave no error", in)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"resourceType":"StructureDefinition","differential":{"element":[{"path":"A","fixedCode":"x","min":1}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := Decode(data)
		if err != nil {
			return
		}
		for _, es := range []*Elements{sd.Snapshot, sd.Differential} {
			if es == nil {
				continue
			}
			for _, e := range es.Element {
				if e == nil {
					continue
				}
				if _, err := json.Marshal(e); err != nil {
					t.Fatalf("decoded element does not marshal: %v", err)
				}
			}
		}
	})
}
