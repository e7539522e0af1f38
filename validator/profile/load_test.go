package profile_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/tidwall/gjson"

	_ "github.com/fhirlens/fhirlens/validator/definitions/stu3" // the STU3 core, as the CLI has it
	"github.com/fhirlens/fhirlens/validator/profile"
)

// TestLoadPackageXML: a package's conformance resources may be FHIR XML
// (a package made of an XML folder, such as NHS Digital's STU3 assets): they
// are read as the FHIR version they declare, and a package.json without
// fhirVersions leaves the guide's version to be detected.
func TestLoadPackageXML(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	put := func(name, data string) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write([]byte(data))
	}
	put("package/package.json", `{"name":"xml.guide","version":"1.0.0"}`)
	put("package/StructureDefinitions-Test-Patient-1.xml", `<?xml version="1.0" encoding="UTF-8"?>
<StructureDefinition xmlns="http://hl7.org/fhir">
  <url value="https://example.org/STU3/StructureDefinition/Test-Patient-1"/>
  <name value="Test-Patient-1"/>
  <status value="draft"/>
  <fhirVersion value="3.0.1"/>
  <kind value="resource"/>
  <abstract value="false"/>
  <type value="Patient"/>
  <baseDefinition value="http://hl7.org/fhir/StructureDefinition/Patient"/>
  <derivation value="constraint"/>
</StructureDefinition>`)
	put("package/other/Example.xml", `<Patient xmlns="http://hl7.org/fhir"/>`)
	tw.Close()
	gz.Close()
	g, err := profile.LoadPackage(&buf, "xml.tgz")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Files) != 1 || g.Files[0].Kind != "StructureDefinition" || g.Files[0].URL != "https://example.org/STU3/StructureDefinition/Test-Patient-1" {
		t.Fatalf("files %+v, problems %v", g.Files, g.Problems)
	}
	if v := gjson.GetBytes(g.Files[0].Data, "fhirVersion").String(); v != "3.0.1" {
		t.Errorf("fhirVersion %q in the JSON form", v)
	}
	if g.FHIRVersion != "" || g.ID() != "xml.guide#1.0.0" {
		t.Errorf("guide %s, FHIR version %q", g.ID(), g.FHIRVersion)
	}
}
