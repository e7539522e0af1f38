package definitions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSTU3Loads(t *testing.T) {
	s := sharedR3(t)
	if s.FHIRVersion != "3.0.1" {
		t.Errorf("FHIRVersion = %q, want 3.0.1", s.FHIRVersion)
	}
	if len(s.Findings) > 0 {
		t.Errorf("findings: %v", s.Findings)
	}
	t.Logf("STU3: %d types, %d profiles, %d value sets", len(s.Types), len(s.Profiles), len(s.ValueSets))
	p := s.Type("Patient")
	if p == nil || p.Base != "DomainResource" {
		t.Fatalf("Patient = %+v", p)
	}
	g := p.Root.Child("gender")
	if g == nil || g.Binding == nil || g.Binding.ValueSet != "http://hl7.org/fhir/ValueSet/administrative-gender" || g.Binding.Strength != "required" {
		t.Fatalf("STU3 Patient.gender = %+v", g)
	}
	if vs := s.ValueSet(g.Binding.ValueSet); vs == nil || !vs.Contains("http://hl7.org/fhir/administrative-gender", "unknown") {
		t.Errorf("STU3 administrative-gender = %+v", vs)
	}
	// STU3 primitives type their value by extensions only.
	v := s.Type("boolean").Root.Child("value")
	if v == nil || len(v.Types) != 1 || v.Types[0].Code != "http://hl7.org/fhirpath/System.Boolean" {
		t.Errorf("STU3 boolean.value = %+v", v)
	}
	if v := s.Type("dateTime").Root.Child("value"); v == nil || v.Types[0].Code != "http://hl7.org/fhirpath/System.DateTime" {
		t.Errorf("STU3 dateTime.value = %+v", v)
	}
	q := s.Type("Questionnaire").Root.Child("item")
	if nested := q.Child("item"); nested == nil || nested.Ref != q {
		t.Errorf("STU3 Questionnaire.item.item = %+v", nested)
	}
	// STU3 profiles had a single targetProfile string.
	subj := s.Type("Observation").Root.Child("subject")
	if len(subj.Types) == 0 || len(subj.Types[0].TargetProfiles) != 1 {
		t.Errorf("STU3 Observation.subject types = %+v", subj.Types)
	}
	// Examples in the STU3 package are not conformance resources.
	if s.Types["patient"] != nil || s.Type("MedicationRequest") == nil {
		t.Error("unexpected STU3 type set")
	}
	if s.Type("ProcedureRequest") == nil {
		t.Error("STU3 ProcedureRequest missing")
	}
}

func TestUSCoreOnR4(t *testing.T) {
	s := sharedUSCore(t)
	if s.FHIRVersion != "4.0.1" {
		t.Errorf("FHIRVersion = %q", s.FHIRVersion)
	}
	if len(s.Findings) != len(sharedR4(t).Findings) {
		t.Errorf("US Core added findings: %q", s.Findings)
	}
	p := s.Profile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient")
	if p == nil {
		t.Fatal("no us-core-patient profile")
	}
	if p.Base != "Patient" || p.Derived != "constraint" || p.Root.Path != "Patient" || p.BaseURL != "http://hl7.org/fhir/StructureDefinition/Patient" {
		t.Errorf("us-core-patient = %+v", p)
	}
	ident := p.Root.Child("identifier")
	if ident == nil || ident.Min != 1 {
		t.Fatalf("us-core-patient identifier = %+v", ident)
	}
	if sys := ident.Child("system"); sys == nil || sys.Min != 1 {
		t.Errorf("us-core-patient identifier.system = %+v", sys)
	}
	for _, c := range p.Root.Children {
		if strings.Contains(c.Path, ":") {
			t.Errorf("slice kept: %s", c.Path)
		}
	}
	if s.Type("Patient") == nil || s.ValueSet("http://hl7.org/fhir/ValueSet/administrative-gender") == nil {
		t.Error("R4 core lost after adding US Core")
	}
	race := s.ValueSet("http://hl7.org/fhir/us/core/ValueSet/omb-race-category")
	if race == nil || !race.Enumerable || !race.Contains("urn:oid:2.16.840.1.113883.6.238", "2106-3") {
		t.Errorf("omb-race-category = %+v", race)
	}
	n, e := 0, 0
	for _, url := range s.ValueSetURLs {
		if strings.HasPrefix(url, "http://hl7.org/fhir/us/core/") {
			n++
			if s.ValueSets[url].Enumerable {
				e++
			}
		}
	}
	t.Logf("US Core: %d profiles in set, %d US Core value sets, %d enumerable", len(s.Profiles), n, e)
}

// TestUSCoreOnEmbeddedR4 adds US Core to a clone of the embedded R4 set, as
// the browser does, and expects the same result as on the full package.
func TestUSCoreOnEmbeddedR4(t *testing.T) {
	full := sharedUSCore(t)
	emb, err := R4()
	if err != nil {
		t.Fatal(err)
	}
	before := len(emb.Profiles)
	f, err := os.Open(filepath.Join(sharedDir(t), "fhir", "hl7.fhir.us.core-3.1.0.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := emb.AddPackage(f); err == nil {
		t.Fatal("AddPackage on the shared embedded set succeeded")
	}
	s, err := emb.WithPackages(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(emb.Profiles) != before {
		t.Error("WithPackages changed the embedded set")
	}
	if s.Profile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient") == nil {
		t.Fatal("us-core-patient missing")
	}
	for _, url := range full.ValueSetURLs {
		if !strings.HasPrefix(url, "http://hl7.org/fhir/us/core/") {
			continue
		}
		a, b := s.ValueSet(url), full.ValueSets[url]
		if a == nil || a.Enumerable != b.Enumerable || len(a.Codes) != len(b.Codes) {
			t.Errorf("%s differs on embedded R4: %+v vs %+v", url, a, b)
		}
	}
	for _, url := range full.ProfileURLs {
		if dumpType(s.Profile(url)) != dumpType(full.Profiles[url]) {
			t.Errorf("profile %s differs on embedded R4", url)
		}
	}
}
