package fhirxml

import "github.com/fhirlens/fhirlens/validator/finding"

// The rules of FHIR XML this package reports, registered with the engine's
// rule registry.
func init() {
	for _, r := range rules {
		r.Source = "FHIR XML (http://hl7.org/fhir/R4/xml.html)"
		finding.Define(r)
	}
}

var rules = []finding.Rule{
	{ID: "xml.syntax", Code: "structure", Severity: finding.Fatal, Summary: "the input is not well-formed XML"},
	{ID: "xml.dtd", Code: "security", Severity: finding.Fatal, Summary: "a DOCTYPE (DTD) is present: FHIR XML has none, and fhirlens never reads DTDs or expands entities"},
	{ID: "xml.entity", Code: "structure", Severity: finding.Error, Summary: "an entity other than XML's five predefined ones and character references; nothing is expanded"},
	{ID: "xml.encoding", Code: "structure", Severity: finding.Fatal, Summary: "the XML declares an encoding other than UTF-8"},
	{ID: "xml.depth", Code: "too-costly", Severity: finding.Fatal, Summary: "the XML nests deeper than the reader's limit"},
	{ID: "xml.size", Code: "too-costly", Severity: finding.Fatal, Summary: "the XML is larger than 2 GB"},
	{ID: "xml.not-fhir", Code: "structure", Severity: finding.Fatal, Summary: "the root element is not a FHIR resource (CDA, HTML, other XML)"},
	{ID: "xml.namespace", Code: "structure", Severity: finding.Error, Summary: "an element is not in the FHIR namespace (or the narrative div not in XHTML's)"},
	{ID: "xml.order", Code: "structure", Severity: finding.Error, Summary: "an element is out of the order its definition gives"},
	{ID: "xml.repeated", Code: "structure", Severity: finding.Error, Summary: "an element repeats where its definition allows one, or its repeats are not together"},
	{ID: "xml.text", Code: "structure", Severity: finding.Error, Summary: "text content where FHIR has none (values go in value attributes)"},
	{ID: "xml.attribute", Code: "structure", Severity: finding.Error, Summary: "an attribute FHIR XML does not have here (only value, id and url exist)"},
	{ID: "xml.primitive-empty", Code: "structure", Severity: finding.Error, Summary: "a primitive element with neither a value attribute nor children"},
	{ID: "xml.resource-wrapper", Code: "structure", Severity: finding.Error, Summary: "a resource wrapper (contained, entry.resource ...) without exactly one resource inside"},
}
