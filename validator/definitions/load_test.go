package definitions

import (
	"slices"
	"strings"
	"testing"
)

func TestR4Patient(t *testing.T) {
	s := sharedR4(t)
	if s.FHIRVersion != "4.0.1" {
		t.Errorf("FHIRVersion = %q, want 4.0.1", s.FHIRVersion)
	}
	p := s.Type("Patient")
	if p == nil {
		t.Fatal("no Patient type")
	}
	if p.Kind != "resource" || p.Base != "DomainResource" || p.Derived != "specialization" || p.Root.Path != "Patient" {
		t.Errorf("Patient = %+v", p)
	}
	var names []string
	for _, c := range p.Root.Children {
		names = append(names, c.Name)
	}
	want := "id meta implicitRules language text contained extension modifierExtension identifier active name telecom gender birthDate deceased address maritalStatus multipleBirth photo contact communication generalPractitioner managingOrganization link"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Patient children:\n got %s\nwant %s", got, want)
	}
	g := p.Root.Child("gender")
	if g == nil || g.Binding == nil || g.Binding.Strength != "required" || g.Binding.ValueSet != "http://hl7.org/fhir/ValueSet/administrative-gender" {
		t.Fatalf("Patient.gender = %+v", g)
	}
	vs := s.ValueSet(g.Binding.ValueSet)
	if vs == nil || !vs.Enumerable || vs.Name != "AdministrativeGender" {
		t.Fatalf("administrative-gender = %+v", vs)
	}
	for _, code := range []string{"male", "female", "other", "unknown"} {
		if !vs.Contains("http://hl7.org/fhir/administrative-gender", code) || !vs.Contains("", code) {
			t.Errorf("administrative-gender lacks %s", code)
		}
	}
	if vs.Contains("http://hl7.org/fhir/administrative-gender", "M") || vs.Contains("http://other", "male") {
		t.Error("administrative-gender contains codes it should not")
	}
	if len(vs.Codes) != 4 {
		t.Errorf("administrative-gender has %d codes, want 4", len(vs.Codes))
	}
	if c, ok := vs.Lookup("", "female"); !ok || c.Display != "Female" {
		t.Errorf("Lookup(female) = %+v, %v", c, ok)
	}

	id := p.Root.Child("id")
	if id == nil || len(id.Types) != 1 || id.Types[0].Code != "http://hl7.org/fhirpath/System.String" {
		t.Errorf("Patient.id types = %+v", id)
	}
	name := p.Root.Child("name")
	if name == nil || name.Min != 0 || name.Max != -1 || len(name.Children) != 0 {
		t.Fatalf("Patient.name = %+v", name)
	}
	hn := s.Content(name, name.Types[0].Code)
	if hn == nil || hn.Path != "HumanName" || hn.Child("family") == nil || hn.Child("given").Max != -1 {
		t.Errorf("Content(Patient.name) = %+v", hn)
	}
	contact := p.Root.Child("contact")
	if s.Content(contact, "BackboneElement") != contact || contact.Child("relationship") == nil {
		t.Error("Patient.contact is not its own content")
	}
	if d, code := p.Root.ChoiceType("deceasedDateTime"); d == nil || d.Name != "deceased" || !d.Choice || code != "dateTime" {
		t.Errorf("ChoiceType(deceasedDateTime) = %v, %q", d, code)
	}
	if d := p.Root.Child("deceased"); d != nil {
		t.Errorf("Child(deceased) = %v, want nil: a choice needs its type suffix", d.Path)
	}
	if c := p.Root.Child("nope"); c != nil {
		t.Errorf("Child(nope) = %v", c.Path)
	}
}

func TestR4Observation(t *testing.T) {
	s := sharedR4(t)
	o := s.Type("Observation")
	var value *Element
	for _, c := range o.Root.Children {
		if c.Name == "value" {
			value = c
		}
	}
	if value == nil || !value.Choice || value.Path != "Observation.value[x]" {
		t.Fatalf("Observation.value[x] = %+v", value)
	}
	var codes []string
	for _, tr := range value.Types {
		codes = append(codes, tr.Code)
	}
	want := []string{"Quantity", "CodeableConcept", "string", "boolean", "integer", "Range", "Ratio", "SampledData", "time", "dateTime", "Period"}
	if !slices.Equal(codes, want) {
		t.Errorf("value[x] types = %v, want %v", codes, want)
	}
	for _, tc := range []struct{ json, code string }{
		{"valueQuantity", "Quantity"}, {"valueCodeableConcept", "CodeableConcept"},
		{"valueString", "string"}, {"valueDateTime", "dateTime"}, {"valueSampledData", "SampledData"},
	} {
		e, code := o.Root.ChoiceType(tc.json)
		if e != value || code != tc.code {
			t.Errorf("ChoiceType(%s) = %v, %q; want value[x], %q", tc.json, e, code, tc.code)
		}
	}
	if e, _ := o.Root.ChoiceType("valueReference"); e != nil {
		t.Errorf("valueReference should not resolve, got %s", e.Path)
	}
	if o.Root.ChildByName("value") != value || o.Root.ChildByName("valueQuantity") != nil || o.Root.ChildByName("status") != o.Root.Child("status") {
		t.Error("ChildByName does not find children by definition name")
	}
	comp := o.Root.Child("component")
	if e, code := comp.ChoiceType("valueInteger"); e == nil || e.Path != "Observation.component.value[x]" || code != "integer" {
		t.Errorf("component.valueInteger = %v, %q", e, code)
	}
	status := o.Root.Child("status")
	if status.Min != 1 || status.Max != 1 || !status.IsModifier || !status.IsSummary {
		t.Errorf("Observation.status = %+v", status)
	}
	subj := o.Root.Child("subject")
	if len(subj.Types) != 1 || len(subj.Types[0].TargetProfiles) == 0 {
		t.Errorf("Observation.subject targets = %+v", subj.Types)
	}
}

func TestR4QuestionnaireContentRef(t *testing.T) {
	s := sharedR4(t)
	q := s.Type("Questionnaire")
	item := q.Root.Child("item")
	nested := item.Child("item")
	if nested == nil || nested.ContentRef != "Questionnaire.item" || len(nested.Children) != 0 {
		t.Fatalf("Questionnaire.item.item = %+v", nested)
	}
	if nested.Ref != item {
		t.Errorf("Questionnaire.item.item.Ref = %v, want Questionnaire.item", nested.Ref)
	}
	if nested.Child("linkId") != item.Child("linkId") || nested.Child("item") != nested {
		t.Error("children of a content reference should come from the referenced element")
	}
	if s.Content(nested, "") != item {
		t.Error("Content(item.item) should be Questionnaire.item")
	}
}

func TestR4BundleConstraints(t *testing.T) {
	s := sharedR4(t)
	b := s.Type("Bundle")
	byKey := map[string]Constraint{}
	for _, c := range b.Root.Constraints {
		byKey[c.Key] = c
	}
	bdl7, ok := byKey["bdl-7"]
	if !ok || bdl7.Severity != "error" || !strings.Contains(bdl7.Expression, "fullUrl") || bdl7.Human == "" {
		t.Errorf("bdl-7 = %+v", bdl7)
	}
	if bdl7.BestPractice {
		t.Error("bdl-7 is not a best practice constraint")
	}
	var dom6 Constraint
	for _, c := range s.Type("Patient").Root.Constraints {
		if c.Key == "dom-6" {
			dom6 = c
		}
	}
	if !dom6.BestPractice || dom6.Severity != "warning" || dom6.Source != "http://hl7.org/fhir/StructureDefinition/DomainResource" {
		t.Errorf("Patient dom-6 = %+v, want best practice warning from DomainResource", dom6)
	}
}

func TestR4TypesAndProfiles(t *testing.T) {
	s := sharedR4(t)
	for _, tc := range []struct{ typ, base string }{
		{"Patient", "DomainResource"}, {"Patient", "Resource"}, {"Patient", "Patient"},
		{"Bundle", "Resource"}, {"HumanName", "Element"}, {"code", "string"}, {"Quantity", "Element"},
		{"SimpleQuantity", "Quantity"},
	} {
		if tc.typ == "SimpleQuantity" {
			continue // a profile, not a base type: checked below
		}
		if !s.IsSubtype(tc.typ, tc.base) {
			t.Errorf("IsSubtype(%s, %s) = false", tc.typ, tc.base)
		}
	}
	if s.IsSubtype("Bundle", "DomainResource") || s.IsSubtype("Patient", "Bundle") || s.IsSubtype("Nope", "Resource") {
		t.Error("IsSubtype says yes to a non-subtype")
	}
	sq := s.Profile("http://hl7.org/fhir/StructureDefinition/SimpleQuantity")
	if sq == nil || sq.Derived != "constraint" || sq.Base != "Quantity" || sq.Root.Path != "Quantity" {
		t.Errorf("SimpleQuantity = %+v", sq)
	}
	if s.Types["SimpleQuantity"] != nil {
		t.Error("profiles must not be in Types")
	}
	if s.Profile("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1") != s.Type("Patient") {
		t.Error("Profile(core URL) should find the base type")
	}
	for _, name := range []string{"string", "boolean", "Element", "Resource", "BackboneElement", "Extension", "xhtml"} {
		if s.Type(name) == nil {
			t.Errorf("missing type %s", name)
		}
	}
	if !slices.IsSorted(s.TypeNames) || len(s.TypeNames) != len(s.Types) {
		t.Error("TypeNames not the sorted keys of Types")
	}
	// The two example definitions without snapshots are the only problems.
	if len(s.Findings) != 2 || !strings.Contains(s.Findings[0].Message+"\n"+s.Findings[1].Message, "example-composition: no snapshot") {
		t.Errorf("findings loading R4: %q", s.Findings)
	}
	// Every content reference resolves, in types and profiles alike.
	refs := 0
	var walk func(e *Element)
	walk = func(e *Element) {
		if e.ContentRef != "" {
			refs++
			if e.Ref == nil || len(e.Ref.Children) == 0 {
				t.Errorf("%s: content reference %q unresolved", e.Path, e.ContentRef)
			}
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	for _, name := range s.TypeNames {
		walk(s.Types[name].Root)
	}
	for _, url := range s.ProfileURLs {
		walk(s.Profiles[url].Root)
	}
	if refs < 30 {
		t.Errorf("only %d content references found", refs)
	}
	if link := s.Type("Bundle").Root.Child("entry").Child("link"); link == nil || link.Ref != s.Type("Bundle").Root.Child("link") {
		t.Error("Bundle.entry.link should refer to Bundle.link")
	}
}

func TestR4ValueSetExpansion(t *testing.T) {
	s := sharedR4(t)
	for _, tc := range []struct {
		url        string
		enumerable bool
		has, lacks []string // codes, any system
	}{
		// is-a filter over a nested v3 code system
		{"http://terminology.hl7.org/ValueSet/v3-ActEncounterCode", true, []string{"AMB", "IMP", "EMER", "ACUTE"}, []string{"_ActEncounterCode", "xyz"}},
		// whole code system with nested concepts flattened
		{"http://hl7.org/fhir/ValueSet/observation-status", true, []string{"final", "amended", "corrected"}, nil},
		// concept list from an external system
		{"http://hl7.org/fhir/ValueSet/ucum-vitals-common", true, []string{"%", "cm", "kg"}, nil},
		// SNOMED CT: not available offline
		{"http://hl7.org/fhir/ValueSet/clinical-findings", false, nil, []string{"404684003"}},
	} {
		vs := s.ValueSet(tc.url)
		if vs == nil {
			t.Errorf("%s: missing", tc.url)
			continue
		}
		if vs.Enumerable != tc.enumerable {
			t.Errorf("%s: Enumerable = %v, want %v", tc.url, vs.Enumerable, tc.enumerable)
		}
		for _, c := range tc.has {
			if !vs.Contains("", c) {
				t.Errorf("%s lacks %s", tc.url, c)
			}
		}
		for _, c := range tc.lacks {
			if vs.Contains("", c) {
				t.Errorf("%s has %s", tc.url, c)
			}
		}
		if len(vs.Systems) == 0 {
			t.Errorf("%s: no systems recorded", tc.url)
		}
	}
	snomed := s.ValueSet("http://hl7.org/fhir/ValueSet/clinical-findings")
	if snomed != nil && !slices.Contains(snomed.Systems, "http://snomed.info/sct") {
		t.Errorf("clinical-findings systems = %v", snomed.Systems)
	}
}

// TestRequiredBindingsEnumerable reports how many value sets bound with
// required strength can be checked offline, and guards against regressions.
func TestRequiredBindingsEnumerable(t *testing.T) {
	s := sharedR4(t)
	strength := referencedValueSets(s)
	var urls []string
	for url, st := range strength {
		if st == "required" {
			urls = append(urls, url)
		}
	}
	slices.Sort(urls)
	var enumerable, missing int
	var not []string
	for _, url := range urls {
		vs := s.ValueSet(url)
		switch {
		case vs == nil:
			missing++
			not = append(not, url+" (not in package)")
		case vs.Enumerable:
			enumerable++
		default:
			not = append(not, url+" "+strings.Join(vs.Systems, ","))
		}
	}
	t.Logf("required-bound value sets: %d, enumerable %d, not enumerable %d (of which %d not in the package)",
		len(urls), enumerable, len(urls)-enumerable, missing)
	for _, n := range not {
		t.Logf("  not enumerable: %s", n)
	}
	if enumerable < 240 {
		t.Errorf("only %d of %d required-bound value sets enumerable", enumerable, len(urls))
	}
}

func TestLookupCode(t *testing.T) {
	for name, load := range map[string]func(testing.TB) *Set{
		"package": sharedR4,
		"embedded": func(t testing.TB) *Set {
			s, err := R4()
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	} {
		s := load(t)
		for _, tc := range []struct {
			system, code, display string
			found, known          bool
		}{
			{"http://hl7.org/fhir/administrative-gender", "female", "Female", true, true},
			{"http://hl7.org/fhir/administrative-gender", "F", "", false, true},
			{"http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory", true, true}, // nested concept
			{"http://snomed.info/sct", "404684003", "", false, false},
			{"http://unknown.example", "x", "", false, false},
		} {
			d, found, known := s.LookupCode(tc.system, tc.code)
			if d != tc.display || found != tc.found || known != tc.known {
				t.Errorf("%s: LookupCode(%s, %s) = %q, %v, %v; want %q, %v, %v", name, tc.system, tc.code, d, found, known, tc.display, tc.found, tc.known)
			}
		}
	}
}
