package primitive

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"unicode/utf8"

	"github.com/fhirlens/fhirlens/validator/xhtml"
)

// MaxStringLength is the R4 limit on string values: 1 MB, counted in
// characters as the specification's maxLength is. (markdown has no limit.)
const MaxStringLength = 1048576

// Check checks the lexical form of value as a FHIR R4 primitive of type
// fhirType ("date", "code", ...). value is the string form as it appears in
// XML or in a JSON string (for boolean and number types: their literal text).
//
// It returns nil when the value is valid, otherwise the most important
// finding: the first error, or the first warning when there is no error.
// Unknown type names are not checked (nil).
//
// xhtml values are delegated to xhtml.Check, of which only the most
// important finding is returned; call xhtml.Check directly for all of them
// (with offsets). Unlike the other types, xhtml checking allocates.
func Check(fhirType, value string) *finding.Finding {
	if !IsPrimitive(fhirType) {
		return nil
	}
	if value == "" {
		return errorf("primitive.empty", "the value of a "+fhirType+
			" cannot be empty: omit the property, or give only extensions")
	}
	stringLike := fhirType == "string" || fhirType == "markdown"
	if stringLike && isAllWhitespace(value) {
		// The reference validator only warns; for other types the
		// type-specific check below reports an error.
		return warnf("primitive.whitespace-only", "the "+fhirType+" value "+quote(value)+
			" consists only of whitespace")
	}
	if !utf8.ValidString(value) {
		return errorf("primitive.utf8", "the "+fhirType+" value "+quote(value)+" is not valid UTF-8")
	}
	typeFinding := checkType(fhirType, value)
	if typeFinding != nil && typeFinding.Severity == finding.Error {
		return typeFinding
	}
	if fhirType != "xhtml" {
		if p := checkControlChars(fhirType, value); p != nil && typeFinding == nil {
			return p
		}
	}
	return typeFinding
}

func checkType(fhirType, value string) *finding.Finding {
	switch fhirType {
	case "boolean":
		if value != "true" && value != "false" {
			return errorf("primitive.boolean", quote(value)+" is not a valid boolean: expected true or false")
		}
		return nil
	case "integer", "unsignedInt", "positiveInt":
		return checkInteger(fhirType, value)
	case "decimal":
		return checkDecimal(value)
	case "string":
		return checkString(value)
	case "markdown":
		return nil // same regex as string, but no length limit and whitespace is meaningful
	case "uri", "url", "canonical", "oid", "uuid":
		return checkURI(fhirType, value)
	case "id":
		return checkID(value)
	case "code":
		return checkCode(value)
	case "date":
		return checkDate(value)
	case "dateTime":
		return checkDateTime(value)
	case "instant":
		return checkInstant(value)
	case "time":
		return checkTime(value)
	case "base64Binary":
		return checkBase64(value)
	case "xhtml":
		return checkXHTML(value)
	}
	return nil
}

func checkString(value string) *finding.Finding {
	if p := checkLength("string", value); p != nil {
		return p
	}
	if isSpace(value[0]) || isSpace(value[len(value)-1]) {
		return warnf("primitive.string-whitespace", "the string value "+quote(value)+
			" should not start or finish with whitespace")
	}
	return nil
}

// checkLength enforces the 1 MB limit, counted in UTF-16 code units as the
// reference validator (Java) does. Bytes are an upper bound, so the count
// is only needed for very long values.
func checkLength(fhirType, value string) *finding.Finding {
	if len(value) <= MaxStringLength {
		return nil
	}
	n := 0
	for _, r := range value {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	if n <= MaxStringLength {
		return nil
	}
	return errorf("primitive.string-length", "the "+fhirType+" value is "+strconv.Itoa(n)+
		" characters long; the maximum is 1 MB ("+strconv.Itoa(MaxStringLength)+" characters)")
}

// checkControlChars warns about C0 control characters other than tab, CR and
// LF: XML cannot carry them, so such a resource cannot be converted.
func checkControlChars(fhirType, value string) *finding.Finding {
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return warnf("primitive.control-chars", "the "+fhirType+" value "+quote(value)+
				" contains the control character U+00"+hex2(c)+", which XML cannot represent")
		}
	}
	return nil
}

func hex2(c byte) string {
	const hex = "0123456789ABCDEF"
	return string([]byte{hex[c>>4], hex[c&0xf]})
}

// isSpace is Java's \s: space, tab, LF, VT, FF, CR.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isAllWhitespace(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isSpace(v[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// checkXHTML returns the first error of xhtml.Check, else its first warning.
func checkXHTML(div string) *finding.Finding {
	var first *finding.Finding
	for _, p := range xhtml.Check(div) {
		if p.Severity == finding.Error {
			first = &p
			break
		}
		if first == nil {
			first = &p
		}
	}
	if first == nil {
		return nil
	}
	return &finding.Finding{Rule: first.Rule, Severity: first.Severity, Message: first.Message}
}
