package bundle

import "strings"

// restURL is a URL split the way the Bundle resolution rules need it:
// [base][type]/[id](/_history/[version]). All fields are views of the input.
type restURL struct {
	Base    string // "http://example.org/fhir/"; "" for a relative reference
	Type    string
	ID      string
	Version string
}

// parseREST splits s when it is a RESTful resource URL: an optional
// http(s) base, a known resource type, a FHIR id and an optional
// /_history/version (the spec's regex for RESTful URLs).
func parseREST(s string, types map[string]bool) (restURL, bool) {
	var u restURL
	rest := s
	if i := strings.Index(rest, "/_history/"); i >= 0 {
		u.Version = rest[i+len("/_history/"):]
		rest = rest[:i]
		if !isFHIRID(u.Version) {
			return restURL{}, false
		}
	}
	slash := strings.LastIndexByte(rest, '/')
	if slash < 0 {
		return restURL{}, false
	}
	u.ID = rest[slash+1:]
	head := rest[:slash]
	tslash := strings.LastIndexByte(head, '/')
	u.Type = head[tslash+1:]
	u.Base = head[:tslash+1]
	if !isFHIRID(u.ID) || !types[u.Type] {
		return restURL{}, false
	}
	if u.Base != "" && !strings.HasPrefix(u.Base, "http://") && !strings.HasPrefix(u.Base, "https://") {
		return restURL{}, false
	}
	return u, true
}

// isFHIRID reports whether s matches the id type: [A-Za-z0-9\-\.]{1,64}.
func isFHIRID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// scheme is the URI scheme of s ("http", "urn"), or "" when s is relative.
func scheme(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return s[:i]
		default:
			return ""
		}
	}
	return ""
}

// urnProblem explains why a urn:uuid: or urn:oid: value is malformed, or "".
func urnProblem(s string) string {
	if rest, ok := strings.CutPrefix(s, "urn:uuid:"); ok {
		if !isLowerUUID(rest) {
			return "a urn:uuid: must be followed by a UUID in lowercase 8-4-4-4-12 hexadecimal form"
		}
		return ""
	}
	if rest, ok := strings.CutPrefix(s, "urn:oid:"); ok {
		if !isOID(rest) {
			return "a urn:oid: must be followed by an OID: digits separated by dots, starting with 0, 1 or 2, no leading zeros"
		}
		return ""
	}
	return ""
}

func isLowerUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// isOID matches [0-2](\.(0|[1-9][0-9]*))+.
func isOID(s string) bool {
	if len(s) < 3 || s[0] < '0' || s[0] > '2' || s[1] != '.' {
		return false
	}
	for _, arc := range strings.Split(s[2:], ".") {
		if arc == "" || len(arc) > 1 && arc[0] == '0' {
			return false
		}
		for i := 0; i < len(arc); i++ {
			if arc[i] < '0' || arc[i] > '9' {
				return false
			}
		}
	}
	return true
}
