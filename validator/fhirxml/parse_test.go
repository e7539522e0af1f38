package fhirxml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

func r4(t testing.TB) *definitions.Set {
	t.Helper()
	defs, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

// TestToJSONMapping: the FHIR XML → JSON mapping rules, one case each.
func TestToJSONMapping(t *testing.T) {
	const ns = ` xmlns="http://hl7.org/fhir"`
	cases := []struct{ name, xml, json string }{
		{"primitives by JSON kind", `<Observation` + ns + `><status value="final"/><valueInteger value="3"/><component><valueBoolean value="true"/></component></Observation>`,
			`{"resourceType":"Observation","status":"final","valueInteger":3,"component":[{"valueBoolean":true}]}`},
		{"repeating primitive with id and extension", `<Patient` + ns + `><name><given value="a"/><given id="x"><extension url="u"><valueString value="v"/></extension></given><given value="c"/></name></Patient>`,
			`{"resourceType":"Patient","name":[{"given":["a",null,"c"],"_given":[null,{"id":"x","extension":[{"url":"u","valueString":"v"}]},null]}]}`},
		{"single primitive with extension only", `<Patient` + ns + `><birthDate><extension url="u"><valueCode value="unknown"/></extension></birthDate></Patient>`,
			`{"resourceType":"Patient","_birthDate":{"extension":[{"url":"u","valueCode":"unknown"}]}}`},
		{"contained and narrative", `<Patient` + ns + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">a &amp; <b>b</b></div></text><contained><Organization><id value="o"/></Organization></contained></Patient>`,
			`{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">a &amp; <b>b</b></div>"},"contained":[{"resourceType":"Organization","id":"o"}]}`},
		{"attribute values decoded and normalised", "<Patient" + ns + `><name><family value="a&amp;b&#10;c` + "\t" + `d"/></name></Patient>`,
			`{"resourceType":"Patient","name":[{"family":"a&b\nc d"}]}`},
		{"bundle entry resource", `<Bundle` + ns + `><type value="collection"/><entry><resource><Patient><id value="p"/></Patient></resource></entry></Bundle>`,
			`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p"}}]}`},
	}
	defs := r4(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ToJSON([]byte(c.xml), defs)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.json {
				t.Errorf("got  %s\nwant %s", got, c.json)
			}
		})
	}
}

// TestPositions: tree offsets point into the XML.
func TestPositions(t *testing.T) {
	xml := "<Patient xmlns=\"http://hl7.org/fhir\">\n  <id value=\"p\"/>\n  <name>\n    <given value=\"Ann\"/>\n  </name>\n</Patient>\n"
	tree, probs := Parse([]byte(xml), r4(t))
	if tree == nil || len(probs) > 0 {
		t.Fatalf("parse: %v", probs)
	}
	name := tree.Get(tree.Root(), "name")
	given := tree.Get(tree.Item(name, 0), "given")
	item := tree.Item(given, 0)
	if l, c := tree.Position(tree.KeyOffset(name)); l != 3 || c != 3 {
		t.Errorf("name at %d:%d, want 3:3", l, c)
	}
	if l, c := tree.Position(tree.Offset(item)); l != 4 || c != 19 {
		t.Errorf("given value at %d:%d, want 4:19", l, c)
	}
	if end := tree.End(tree.Item(name, 0)); xml[:end] != xml[:strings.Index(xml, "</name>")+len("</name>")] {
		t.Errorf("name ends at %d", end)
	}
	if tree.Kind(item) != jsontree.String || tree.Str(item) != "Ann" {
		t.Errorf("given = %s", tree.Raw(item))
	}
}

// TestRulesRegistered: every rule the golden XML fixtures produce is in
// the engine's rule registry.
func TestRulesRegistered(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/validate/*.xml")
	if len(files) == 0 {
		t.Fatal("no XML fixtures")
	}
	seen := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, probs := Parse(data, r4(t))
		for _, p := range probs {
			seen++
			if _, ok := finding.Lookup(p.Rule); !ok {
				t.Errorf("%s: rule %s is not registered", f, p.Rule)
			}
		}
	}
	if seen == 0 {
		t.Fatal("the fixtures produced no XML findings")
	}
}

// TestNoEntityExpansion: a billion-laughs document is refused at the
// DOCTYPE, quickly and without output.
func TestNoEntityExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	for i := 1; i < 10; i++ {
		b.WriteString(`<!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat("&lol"+string(rune('0'+i-1))+";", 10) + `">`)
	}
	b.WriteString(`]><Patient xmlns="http://hl7.org/fhir"><id value="&lol9;"/></Patient>`)
	tree, probs := Parse([]byte(b.String()), r4(t))
	if tree != nil || len(probs) != 1 || probs[0].Rule != "xml.dtd" {
		t.Fatalf("tree %v, problems %+v", tree != nil, probs)
	}
	if _, err := ToJSON([]byte(b.String()), r4(t)); err == nil {
		t.Fatal("ToJSON accepted a DTD")
	}
}

func TestToJSONVersion(t *testing.T) {
	sd := `<StructureDefinition xmlns="http://hl7.org/fhir"><url value="http://x"/><fhirVersion value="4.0.1"/><kind value="resource"/></StructureDefinition>`
	if v := DeclaredVersion([]byte(sd)); v != "4.0.1" {
		t.Errorf("DeclaredVersion = %q", v)
	}
	got, err := ToJSONVersion([]byte(sd), "")
	if err != nil || string(got) != `{"resourceType":"StructureDefinition","url":"http://x","fhirVersion":"4.0.1","kind":"resource"}` {
		t.Errorf("got %s, %v", got, err)
	}
	if _, err := ToJSONVersion([]byte(sd), "5.0"); err == nil {
		t.Error("R5 is not available, yet no error")
	}
}
