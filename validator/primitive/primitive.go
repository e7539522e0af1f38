// Package primitive checks the lexical form of FHIR R4 primitive values: the
// regular expressions published with each primitive type (datatypes.html and
// the core StructureDefinitions) plus the extra rules the HL7 reference
// validator applies (real calendar dates, int32 ranges, decodable base64,
// whitespace and control character rules).
//
// The checks are pure functions of (type, value). Except for xhtml (delegated
// to package xhtml) they do not allocate when the value is valid, so they can
// run on every primitive of every resource.
//
// Grading follows the reference validator: errors for anything that breaks a
// type's regex or range, an empty value, invalid UTF-8 and malformed
// urn:uuid:/urn:oid: values in any uri type; warnings for a string that is
// only whitespace or has leading/trailing whitespace, C0 control characters,
// whitespace in base64, decimals beyond 18 digits, and years outside
// 1800..(this year + 100). Two reference-validator errors are warnings here
// because R4's own examples break them and the regexes allow them: relative
// canonicals and OIDs with very short roots. The spec regex is followed where
// the reference validator is stricter than it (fractional seconds in time).
package primitive

import (
	"github.com/fhirlens/fhirlens/validator/finding"
)

// Check grades findings the way the HL7 reference validator does:
// finding.Error when the value is not conformant (reference validator
// "rule"), finding.Warning when it is conformant but suspicious.

// Kind is the JSON representation of a primitive type's value.
type Kind uint8

const (
	// KindUnknown: not an R4 primitive type name.
	KindUnknown Kind = iota
	// KindString: the value is a JSON string.
	KindString
	// KindNumber: the value is a JSON number (integer, decimal, positiveInt, unsignedInt).
	KindNumber
	// KindBoolean: the value is JSON true or false.
	KindBoolean
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBoolean:
		return "boolean"
	}
	return "unknown"
}

// JSONKind tells how a value of the given R4 primitive type is represented in
// JSON. integer64 is R5 only and therefore KindUnknown here.
func JSONKind(fhirType string) Kind {
	switch fhirType {
	case "boolean":
		return KindBoolean
	case "integer", "decimal", "positiveInt", "unsignedInt":
		return KindNumber
	case "string", "uri", "url", "canonical", "base64Binary", "instant", "date",
		"dateTime", "time", "code", "oid", "id", "markdown", "uuid", "xhtml":
		return KindString
	}
	return KindUnknown
}

// IsPrimitive reports whether fhirType names an R4 primitive type.
func IsPrimitive(fhirType string) bool { return JSONKind(fhirType) != KindUnknown }

func errorf(rule, msg string) *finding.Finding {
	return &finding.Finding{Rule: rule, Code: "value", Severity: finding.Error, Message: msg, Resource: -1}
}

func warnf(rule, msg string) *finding.Finding {
	return &finding.Finding{Rule: rule, Code: "value", Severity: finding.Warning, Message: msg, Resource: -1}
}

// quote renders a value for a message: single-quoted, shortened when long,
// with control characters made visible.
func quote(v string) string {
	const max = 80
	b := make([]byte, 0, len(v)+2)
	b = append(b, '\'')
	n := 0
	for _, r := range v {
		if n == max {
			b = append(b, "..."...)
			break
		}
		n++
		switch {
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20 || r == 0x7f:
			const hex = "0123456789abcdef"
			b = append(b, '\\', 'x', hex[r>>4], hex[r&0xf])
		case r == 0xFFFD:
			b = append(b, "\uFFFD"...)
		default:
			b = append(b, string(r)...)
		}
	}
	b = append(b, '\'')
	return string(b)
}
