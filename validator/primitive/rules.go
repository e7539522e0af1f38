package primitive

import "github.com/fhirlens/fhirlens/validator/finding"

// The rules Check and CheckNumber report: one "primitive.<type>" per
// primitive type for its lexical form, and the cross-type rules. The xhtml
// rules are package xhtml's.
func init() {
	for _, typ := range []string{"boolean", "integer", "decimal", "positiveInt", "unsignedInt", "date", "dateTime",
		"instant", "time", "uri", "url", "canonical", "oid", "uuid", "id", "code", "base64Binary"} {
		define("primitive."+typ, finding.Error, "the lexical form of a FHIR "+typ+" (its regex and range in datatypes.html)")
	}
	define("primitive.empty", finding.Error, "a primitive value must not be empty")
	define("primitive.utf8", finding.Error, "a primitive value must be valid UTF-8")
	define("primitive.json-type", finding.Error, "a primitive's JSON type (string, number, boolean) follows its FHIR type")
	define("primitive.string-length", finding.Error, "a string is at most 1 MB (1,048,576 characters)")
	define("primitive.whitespace-only", finding.Warning, "a string or markdown that is only whitespace")
	define("primitive.string-whitespace", finding.Warning, "a string with leading or trailing whitespace")
	define("primitive.control-chars", finding.Warning, "a string with C0 control characters")
	define("primitive.base64-whitespace", finding.Warning, "base64Binary with whitespace in it")
	define("primitive.year-range", finding.Warning, "a date outside 1800 to this year + 100 (probably a typo)")
	define("primitive.decimal-range", finding.Warning, "a decimal with more than 18 significant digits")
	define("primitive.oid-root", finding.Warning, "an OID with a very short root (the reference validator's error; R4's own examples break it)")
	define("primitive.canonical-relative", finding.Warning, "a relative canonical URL (the reference validator's error; R4's own examples use them)")
}

func define(id string, sev finding.Severity, summary string) {
	finding.Define(finding.Rule{ID: id, Code: "value", Severity: sev, Summary: summary,
		Source: "FHIR datatypes (datatypes.html) as graded by the HL7 reference validator"})
}
