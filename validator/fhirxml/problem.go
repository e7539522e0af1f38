package fhirxml

// Severity of a Problem, ordered from worst to mildest (as the validator's).
type Severity uint8

const (
	Fatal Severity = iota
	Error
	Warning
	Information
)

// Problem is something wrong with the XML as XML or as FHIR XML. Fatal
// problems stop the reading: the tree is then nil.
type Problem struct {
	Offset   int // byte offset in the XML
	Severity Severity
	Code     string // OperationOutcome issue type: structure, invalid, security, too-costly
	Rule     string // stable id, see Rules
	Path     string // FHIRPath location, when known
	Message  string
}

// Rule describes one rule this package reports.
type Rule struct {
	ID, Code string
	Severity Severity
	Summary  string
}

// Rules lists every rule id Parse can report, for the rule registry.
var Rules = []Rule{
	{"xml.syntax", "structure", Fatal, "the input is not well-formed XML"},
	{"xml.dtd", "security", Fatal, "a DOCTYPE (DTD) is present: FHIR XML has none, and fhirlens never reads DTDs or expands entities"},
	{"xml.entity", "structure", Error, "an entity other than XML's five predefined ones and character references; nothing is expanded"},
	{"xml.encoding", "structure", Fatal, "the XML declares an encoding other than UTF-8"},
	{"xml.depth", "too-costly", Fatal, "the XML nests deeper than the reader's limit"},
	{"xml.size", "too-costly", Fatal, "the XML is larger than 2 GB"},
	{"xml.not-fhir", "structure", Fatal, "the root element is not a FHIR resource (CDA, HTML, other XML)"},
	{"xml.namespace", "structure", Error, "an element is not in the FHIR namespace (or the narrative div not in XHTML's)"},
	{"xml.order", "structure", Error, "an element is out of the order its definition gives"},
	{"xml.repeated", "structure", Error, "an element repeats where its definition allows one, or its repeats are not together"},
	{"xml.text", "structure", Error, "text content where FHIR has none (values go in value attributes)"},
	{"xml.attribute", "structure", Error, "an attribute FHIR XML does not have here (only value, id and url exist)"},
	{"xml.primitive-empty", "structure", Error, "a primitive element with neither a value attribute nor children"},
	{"xml.resource-wrapper", "structure", Error, "a resource wrapper (contained, entry.resource ...) without exactly one resource inside"},
}
