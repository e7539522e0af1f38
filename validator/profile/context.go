package profile

import (
	"fmt"
	"strings"
)

// CheckContext says whether the extension url may be used on an element:
// elemPath is the element's path in its resource with indexes removed
// ("Patient.name"), typeName its data type ("HumanName"; the resource type
// for the resource itself). It returns "" when the extension is allowed or
// not held by the set, otherwise the message of the finding.
//
// parentURL is the url of the extension that holds this one (typeName
// "Extension"), and inPath evaluates a fhirpath context: whether the element
// is among what the expression selects on the resource (nil: not checked,
// allowed).
func (s *Set) CheckContext(url, elemPath, typeName, parentURL string, inPath func(expr string) bool) (msg string, p *Profile) {
	if s == nil {
		return "", nil
	}
	p, ok := s.ExtensionContext(url)
	if !ok || len(p.Context) == 0 {
		return "", nil
	}
	var allowed []string
	for _, c := range p.Context {
		switch c.Type {
		case "element":
			if contextMatches(s, c.Expression, elemPath, typeName) {
				return "", p
			}
			allowed = append(allowed, "e:"+c.Expression)
		case "extension":
			if typeName == "Extension" && (parentURL == c.Expression || parentURL == "") {
				return "", p
			}
			allowed = append(allowed, "x:"+c.Expression)
		case "fhirpath":
			if inPath == nil || inPath(c.Expression) {
				return "", p
			}
			allowed = append(allowed, "p:"+c.Expression)
		default:
			return "", p
		}
	}
	return fmt.Sprintf("The extension %s is not allowed to be used at this point (allowed = %s; this element is [%s, %s])",
		url, strings.Join(allowed, ", "), typeName, elemPath), p
}

// contextMatches applies one element context: the element's path, its
// type, or a type it derives from.
func contextMatches(s *Set, expr, elemPath, typeName string) bool {
	switch expr {
	case elemPath, typeName, "Element", "Base":
		return true
	case "Resource", "DomainResource":
		return !strings.Contains(elemPath, ".")
	case "BackboneElement":
		return typeName == "BackboneElement"
	}
	// "Observation.value[x]" matches "Observation.value[x]" written as the
	// path with the choice name; a type context matches its subtypes.
	if strings.TrimSuffix(expr, "[x]") == strings.TrimSuffix(elemPath, "[x]") {
		return true
	}
	if s.Defs != nil && !strings.Contains(expr, ".") && s.Defs.IsSubtype(typeName, expr) {
		return true
	}
	// "DomainResource.text" matches "Patient.text": the path of an element
	// inherited from a base type.
	if s.Defs != nil {
		base, rest, ok1 := strings.Cut(expr, ".")
		res, elemRest, ok2 := strings.Cut(elemPath, ".")
		if ok1 && ok2 && rest == elemRest && s.Defs.IsSubtype(res, base) {
			return true
		}
	}
	return false
}
