package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/snapshot"
)

const snapshotTestProfile = `{"resourceType":"StructureDefinition","id":"p","url":"http://x/p","name":"P","status":"draft",
"kind":"resource","abstract":false,"type":"Patient","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient",
"derivation":"constraint","differential":{"element":[
{"id":"Patient.identifier","path":"Patient.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"open"}},
{"id":"Patient.identifier:nhs","path":"Patient.identifier","sliceName":"nhs","min":1,"max":"1"},
{"id":"Patient.identifier:nhs.system","path":"Patient.identifier.system","min":1,"fixedUri":"https://fhir.nhs.uk/Id/nhs-number"}]}}`

// fhirlens snapshot writes the profile with its snapshot (JSON and XML),
// and --diff compares a supplied snapshot with the regenerated one.
func TestSnapshotCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "p.json")
	if err := os.WriteFile(in, []byte(snapshotTestProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"snapshot", "--out", out, in}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "StructureDefinition-p.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sd struct {
		Status   string `json:"status"`
		Snapshot struct {
			Element []struct {
				ID string `json:"id"`
			} `json:"element"`
		} `json:"snapshot"`
	}
	if err := json.Unmarshal(data, &sd); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range sd.Snapshot.Element {
		ids[e.ID] = true
	}
	if sd.Status != "draft" || !ids["Patient.identifier:nhs.system"] || !ids["Patient.birthDate"] {
		t.Errorf("written profile: status %q, %d elements", sd.Status, len(ids))
	}

	// XML
	stdout.Reset()
	if code := run([]string{"snapshot", "--format", "xml", "--out", out, in}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("xml: exit %d: %s", code, stderr.String())
	}
	xml, err := os.ReadFile(filepath.Join(out, "StructureDefinition-p.xml"))
	if err != nil {
		t.Fatal(err)
	}
	r4, _ := definitions.R4()
	back, err := snapshot.Decode(xml, r4)
	if err != nil || back.Snapshot == nil || len(back.Snapshot.Element) != len(sd.Snapshot.Element) {
		t.Errorf("XML read back: %v", err)
	}

	// --diff: the written file regenerates exactly; a changed supplied snapshot does not
	stdout.Reset()
	written := filepath.Join(out, "StructureDefinition-p.json")
	if code := run([]string{"snapshot", "--diff", written}, nil, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "1 of 1 supplied snapshots regenerated exactly") {
		t.Errorf("diff of its own output: exit %d\n%s", code, stdout.String())
	}
	if err := os.WriteFile(written, []byte(strings.Replace(string(data), `"fixedUri": "https://fhir.nhs.uk/Id/nhs-number"`, `"fixedUri": "https://other"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run([]string{"snapshot", "--diff", written}, nil, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String(), "Patient.identifier:nhs.system: fixed") {
		t.Errorf("diff of a changed snapshot: exit %d\n%s", code, stdout.String())
	}

	// a differential error is a finding, exit 1
	bad := strings.Replace(snapshotTestProfile, `"path":"Patient.identifier.system"`, `"path":"Patient.identifier.colour"`, 1)
	bad = strings.Replace(bad, `"id":"Patient.identifier:nhs.system"`, `"id":"Patient.identifier:nhs.colour"`, 1)
	if err := os.WriteFile(in, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run([]string{"snapshot", in}, nil, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String(), "snapshot.path") || !strings.Contains(stdout.String(), "colour") {
		t.Errorf("bad differential: exit %d\n%s", code, stdout.String())
	}
}
