package record

import (
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
)

// knownSystems gives friendly names for common code and identifier systems.
// A slice, not a map: looked up in order, and prefixes are allowed.
var knownSystems = []struct{ uri, name string }{
	{"http://snomed.info/sct", "SNOMED CT"},
	{"http://loinc.org", "LOINC"},
	{"http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM"},
	{"http://hl7.org/fhir/sid/icd-10", "ICD-10"},
	{"http://hl7.org/fhir/sid/icd-9-cm", "ICD-9-CM"},
	{"https://dmd.nhs.uk", "dm+d"},
	{"http://dmd.nhs.uk", "dm+d"},
	{"http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"},
	{"http://unitsofmeasure.org", "UCUM"},
	{"http://hl7.org/fhir/sid/cvx", "CVX"},
	{"http://hl7.org/fhir/sid/ndc", "NDC"},
	{"http://www.ama-assn.org/go/cpt", "CPT"},
	{"http://hl7.org/fhir/sid/us-npi", "NPI"},
	{"http://hl7.org/fhir/sid/us-ssn", "SSN"},
	{"https://fhir.nhs.uk/Id/nhs-number", "NHS Number"},
	{"https://fhir.nhs.uk/Id/ods-organization-code", "ODS code"},
	{"https://fhir.hl7.org.uk/Id/gmc-number", "GMC number"},
	{"urn:ietf:bcp:47", "Language"},
	{"urn:ietf:rfc:3986", "URI"},
}

// systemName returns a friendly name for a code system URI, or "".
func systemName(system string) string {
	for _, s := range knownSystems {
		if system == s.uri {
			return s.name
		}
	}
	for _, prefix := range []struct{ uri, name string }{
		{"http://terminology.hl7.org/CodeSystem/v2-", "HL7 v2 table "},
		{"http://terminology.hl7.org/CodeSystem/v3-", "HL7 v3 "},
		{"http://terminology.hl7.org/CodeSystem/", "HL7 "},
		{"http://hl7.org/fhir/", "FHIR "},
	} {
		if rest, ok := strings.CutPrefix(system, prefix.uri); ok && rest != "" && !strings.Contains(rest, "/") {
			return prefix.name + rest
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// coding converts one Coding.
func coding(c fhir.Coding) Coding {
	sys := deref(c.System)
	return Coding{System: sys, SystemName: systemName(sys), Code: deref(c.Code), Display: deref(c.Display)}
}

// concept reduces a CodeableConcept: its text first, else the first coding
// display, else code plus the system's friendly name. nil in, nil out.
func concept(cc *fhir.CodeableConcept) *Concept {
	if cc == nil {
		return nil
	}
	c := &Concept{Codes: make([]Coding, 0, len(cc.Coding))}
	for _, cd := range cc.Coding {
		c.Codes = append(c.Codes, coding(cd))
	}
	c.Text = strings.TrimSpace(deref(cc.Text))
	if c.Text == "" {
		c.Text = codingsText(c.Codes)
	}
	return c
}

// codingsText picks a display for a list of codings.
func codingsText(codes []Coding) string {
	for _, cd := range codes {
		if d := strings.TrimSpace(cd.Display); d != "" {
			return d
		}
	}
	for _, cd := range codes {
		if cd.Code != "" {
			return codeWithSystem(cd)
		}
	}
	return ""
}

func codeWithSystem(cd Coding) string {
	name := cd.SystemName
	if name == "" {
		name = cd.System
	}
	if name == "" {
		return cd.Code
	}
	return cd.Code + " (" + name + ")"
}

// codingText renders a single Coding.
func codingText(c fhir.Coding) string { return codingsText([]Coding{coding(c)}) }

// conceptFact makes a fact from a concept; nil concept gives no fact.
func conceptFact(label string, cc *fhir.CodeableConcept) []Fact {
	c := concept(cc)
	if c == nil {
		return nil
	}
	return []Fact{{Label: label, Text: c.Text, Codes: c.Codes}}
}

// conceptsFact joins several concepts into one fact.
func conceptsFact(label string, ccs []fhir.CodeableConcept) []Fact {
	if len(ccs) == 0 {
		return nil
	}
	var texts []string
	var codes []Coding
	for i := range ccs {
		c := concept(&ccs[i])
		if c.Text != "" {
			texts = append(texts, c.Text)
		}
		codes = append(codes, c.Codes...)
	}
	return []Fact{{Label: label, Text: strings.Join(texts, "; "), Codes: codes}}
}

// statusText is the short form for a status line: the text or display,
// else the bare code (status codes are words: "active", "resolved").
func statusText(c *Concept) string {
	if c == nil {
		return ""
	}
	if strings.TrimSpace(c.Text) != "" && !strings.HasSuffix(c.Text, ")") {
		return c.Text
	}
	for _, cd := range c.Codes {
		if cd.Display != "" {
			return cd.Display
		}
	}
	for _, cd := range c.Codes {
		if cd.Code != "" {
			return cd.Code
		}
	}
	return c.Text
}
