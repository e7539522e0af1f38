package primitive

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"strings"
)

// checkURI covers uri and its specialisations url, canonical, oid and uuid.
//
// Spec regexes: uri/url/canonical \S* (no whitespace at all),
// oid urn:oid:[0-2](\.(0|[1-9][0-9]*))+, uuid urn:uuid: + lowercase 8-4-4-4-12 hex.
// Reference validator extras for all of them: no "oid:" or "uuid:" prefix
// without "urn:"; any urn:uuid: value must hold a valid lowercase UUID and any
// urn:oid: value a valid OID; a canonical is absolute or a local "#" reference.
func checkURI(fhirType, v string) *finding.Finding {
	rule := uriRule(fhirType)
	for i := 0; i < len(v); i++ {
		if isSpace(v[i]) {
			return errorf(rule, quote(v)+" is not a valid "+fhirType+": it contains whitespace (encode spaces as %20)")
		}
	}
	if strings.HasPrefix(v, "oid:") {
		return errorf(rule, quote(v)+" is not a valid "+fhirType+": OIDs are written urn:oid:..., not oid:...")
	}
	if strings.HasPrefix(v, "uuid:") {
		return errorf(rule, quote(v)+" is not a valid "+fhirType+": UUIDs are written urn:uuid:..., not uuid:...")
	}
	switch fhirType {
	case "oid":
		if !strings.HasPrefix(v, "urn:oid:") {
			return errorf(rule, quote(v)+" is not a valid oid: it must start with urn:oid:")
		}
	case "uuid":
		if !strings.HasPrefix(v, "urn:uuid:") {
			return errorf(rule, quote(v)+" is not a valid uuid: it must start with urn:uuid:")
		}
	}
	if rest, ok := strings.CutPrefix(v, "urn:uuid:"); ok {
		if fhirType != "uuid" {
			// Like the reference validator: ignore a fragment, and a canonical's |version.
			if i := strings.IndexByte(rest, '#'); i >= 0 {
				rest = rest[:i]
			}
			if i := strings.LastIndexByte(rest, '|'); i >= 0 && fhirType == "canonical" {
				rest = rest[:i]
			}
		}
		if why := uuidProblem(rest); why != "" {
			return errorf(rule, quote(v)+" is not a valid "+fhirType+": "+why)
		}
	}
	if rest, ok := strings.CutPrefix(v, "urn:oid:"); ok {
		if why := oidProblem(rest); why != "" {
			return errorf(rule, quote(v)+" is not a valid "+fhirType+": "+why)
		}
		// The reference validator rejects OIDs whose arcs before the last
		// are this short (except 1.3.*): they are almost never real
		// namespaces. The spec regex allows them, so this is a warning here.
		if strings.LastIndexByte(rest, '.') < 4 && !strings.HasPrefix(rest, "1.3") {
			return warnf("primitive.oid-root", "the OID "+quote(v)+
				" is suspiciously short: OID roots this short are almost never valid namespaces")
		}
	}
	if fhirType == "canonical" && v[0] != '#' && !hasScheme(v) {
		// The reference validator reports an error; R4's own examples use
		// relative canonicals, so this is a warning here.
		return warnf("primitive.canonical-relative", "the canonical "+quote(v)+
			" should be an absolute URL (or a '#' reference to a contained resource)")
	}
	return nil
}

// uriRule spells the rule id without allocating.
func uriRule(fhirType string) string {
	switch fhirType {
	case "url":
		return "primitive.url"
	case "canonical":
		return "primitive.canonical"
	case "oid":
		return "primitive.oid"
	case "uuid":
		return "primitive.uuid"
	}
	return "primitive.uri"
}

// uuidProblem checks 8-4-4-4-12 lowercase hex digits.
func uuidProblem(s string) string {
	const form = "expected urn:uuid: followed by 8-4-4-4-12 lowercase hex digits"
	if len(s) != 36 {
		return "the UUID has " + strconv.Itoa(len(s)) + " characters instead of 36 (" + form + ")"
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "a '-' is expected at position " + strconv.Itoa(i+1) + " of the UUID (" + form + ")"
			}
		default:
			if c >= 'A' && c <= 'F' {
				return "UUIDs must be lowercase (" + form + ")"
			}
			if !isDigit(c) && (c < 'a' || c > 'f') {
				return "the UUID contains " + quote(string(c)) + ", which is not a hex digit (" + form + ")"
			}
		}
	}
	return ""
}

// oidProblem checks [0-2](\.(0|[1-9][0-9]*))+ : a root arc 0, 1 or 2 and at
// least one more arc, arcs without leading zeros.
func oidProblem(s string) string {
	const form = "expected urn:oid: followed by dot-separated numbers starting with 0, 1 or 2, e.g. urn:oid:2.16.840.1"
	if len(s) < 3 || s[0] < '0' || s[0] > '2' || s[1] != '.' {
		return "the OID must start with 0., 1. or 2. and have at least two arcs (" + form + ")"
	}
	arcStart := 2
	for i := 2; i <= len(s); i++ {
		if i < len(s) && isDigit(s[i]) {
			continue
		}
		if i < len(s) && s[i] != '.' {
			return "the OID contains " + quote(s[i:i+1]) + " (" + form + ")"
		}
		arc := s[arcStart:i]
		if arc == "" {
			return "the OID has an empty arc (" + form + ")"
		}
		if len(arc) > 1 && arc[0] == '0' {
			return "the OID arc " + quote(arc) + " has a leading zero (" + form + ")"
		}
		arcStart = i + 1
	}
	return ""
}

// hasScheme reports whether v starts with an RFC 3986 scheme and ':' and has
// something after it.
func hasScheme(v string) bool {
	if v == "" || !isAlpha(v[0]) {
		return false
	}
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ':':
			return i+1 < len(v)
		case isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return false
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// checkID applies [A-Za-z0-9\-\.]{1,64}.
func checkID(v string) *finding.Finding {
	if len(v) > 64 {
		return errorf("primitive.id", quote(v)+" is not a valid id: it is "+strconv.Itoa(len(v))+
			" characters long; the maximum is 64")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isAlpha(c) && !isDigit(c) && c != '-' && c != '.' {
			return errorf("primitive.id", quote(v)+" is not a valid id: "+quote(charAt(v, i))+
				" is not allowed (only A-Z, a-z, 0-9, '-' and '.')")
		}
	}
	return nil
}

// checkCode applies [^\s]+(\s[^\s]+)* : no leading or trailing whitespace
// and no runs of more than one whitespace character.
func checkCode(v string) *finding.Finding {
	bad := func(why string) *finding.Finding {
		return errorf("primitive.code", quote(v)+" is not a valid code: "+why)
	}
	if isSpace(v[0]) {
		return bad("it starts with whitespace")
	}
	if isSpace(v[len(v)-1]) {
		return bad("it ends with whitespace")
	}
	for i := 1; i < len(v); i++ {
		if isSpace(v[i]) && isSpace(v[i-1]) {
			return bad("it contains more than one whitespace character in a row")
		}
	}
	return nil
}

// charAt returns the whole UTF-8 sequence starting at byte i.
func charAt(v string, i int) string {
	j := i + 1
	for j < len(v) && v[j]&0xC0 == 0x80 {
		j++
	}
	return v[i:j]
}
