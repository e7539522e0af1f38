package definitions

import (
	"fmt"
	"strconv"
	"strings"
)

const (
	extBestPractice = "http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice"
	extXMLType      = "http://hl7.org/fhir/StructureDefinition/structuredefinition-xml-type"
	systemTypes     = "http://hl7.org/fhirpath/System."
)

// buildType turns one StructureDefinition's snapshot into a Type. It returns
// nil for definitions without a snapshot, which cannot be used, and for
// snapshots without a root; elements that do not fit in the tree are left
// out. All of these are reported as problems.
func buildType(sd *rawStructureDefinition) (t *Type, problems []string) {
	if sd.Snapshot == nil || len(sd.Snapshot.Element) == 0 {
		return nil, []string{fmt.Sprintf("StructureDefinition %s: no snapshot, not loaded", sd.URL)}
	}
	t = &Type{
		Name:     sd.Name,
		URL:      sd.URL,
		Kind:     sd.Kind,
		Abstract: sd.Abstract,
		Derived:  sd.Derivation,
		BaseURL:  sd.BaseDefinition,
	}
	if sd.Derivation == "constraint" {
		t.Base = sd.Type
	} else {
		t.Base = lastSegment(sd.BaseDefinition)
	}
	byPath := map[string]*Element{}
	var sliced []string // paths of slices being skipped, innermost last
	for i := range sd.Snapshot.Element {
		re := &sd.Snapshot.Element[i]
		if inSlice(re, &sliced) {
			continue
		}
		e := buildElement(re)
		if i == 0 {
			if re.Path == "" || strings.Contains(re.Path, ".") {
				return nil, []string{fmt.Sprintf("StructureDefinition %s: first snapshot element %q is not a root", sd.URL, re.Path)}
			}
			t.Root = e
			byPath[re.Path] = e
			continue
		}
		dot := strings.LastIndexByte(re.Path, '.')
		if dot < 0 {
			problems = append(problems, fmt.Sprintf("StructureDefinition %s: second root element %q left out", sd.URL, re.Path))
			continue
		}
		parent := byPath[re.Path[:dot]]
		if parent == nil {
			problems = append(problems, fmt.Sprintf("StructureDefinition %s: element %q has no parent in the snapshot, left out", sd.URL, re.Path))
			continue
		}
		if _, dup := byPath[re.Path]; dup {
			continue // re-slicing or repeated path without sliceName: keep the first
		}
		parent.Children = append(parent.Children, e)
		byPath[re.Path] = e
	}
	return t, problems
}

// inSlice reports whether a snapshot element belongs to a slice (the slice
// itself or anything inside it), which loading skips for now. With element
// ids this is simply a ':' in the id; without, slices are tracked by path.
func inSlice(re *rawElement, sliced *[]string) bool {
	if re.ID != "" {
		return strings.Contains(re.ID, ":")
	}
	for len(*sliced) > 0 {
		top := (*sliced)[len(*sliced)-1]
		if re.Path == top && re.SliceName == "" {
			*sliced = (*sliced)[:len(*sliced)-1]
			continue
		}
		if re.Path == top || strings.HasPrefix(re.Path, top+".") {
			return true
		}
		*sliced = (*sliced)[:len(*sliced)-1]
	}
	if re.SliceName != "" {
		*sliced = append(*sliced, re.Path)
		return true
	}
	return false
}

func buildElement(re *rawElement) *Element {
	e := &Element{
		Path:       re.Path,
		Min:        re.Min,
		Max:        parseMax(re.Max),
		IsModifier: re.IsModifier,
		IsSummary:  re.IsSummary,
	}
	name := lastSegment(re.Path)
	if n, ok := strings.CutSuffix(name, "[x]"); ok {
		name, e.Choice = n, true
	}
	e.Name = name
	if ref, ok := strings.CutPrefix(re.ContentReference, "#"); ok {
		e.ContentRef = ref
	} else if re.ContentReference != "" {
		// R5-style "http://...#Path": keep the path part.
		if i := strings.IndexByte(re.ContentReference, '#'); i >= 0 {
			e.ContentRef = re.ContentReference[i+1:]
		}
	}
	for _, rt := range re.Type {
		code := rt.Code
		if code == "" {
			code = stu3SystemType(rt.CodeElement)
		}
		tr := TypeRef{Code: code}
		if len(rt.Profile) > 0 {
			tr.Profiles = []string(rt.Profile)
		}
		if len(rt.Target) > 0 {
			tr.TargetProfiles = []string(rt.Target)
		}
		e.Types = append(e.Types, tr)
	}
	if b := re.Binding; b != nil {
		vs := b.ValueSet
		if vs == "" {
			vs = b.ValueSetURI
		}
		if vs == "" && b.ValueSetReference != nil {
			vs = b.ValueSetReference.Reference
		}
		e.Binding = &Binding{Strength: b.Strength, ValueSet: stripVersion(vs)}
	}
	for _, rc := range re.Constraint {
		c := Constraint{
			Key:        rc.Key,
			Severity:   rc.Severity,
			Human:      rc.Human,
			Expression: rc.Expression,
			Source:     rc.Source,
		}
		for _, x := range rc.Extension {
			if x.URL == extBestPractice && x.ValueBoolean != nil && *x.ValueBoolean {
				c.BestPractice = true
			}
		}
		e.Constraints = append(e.Constraints, c)
	}
	return e
}

// stu3SystemType names the System type of an STU3 primitive's value element,
// which has no type code, only XML/JSON type extensions.
func stu3SystemType(x *rawPrimEx) string {
	if x == nil {
		return ""
	}
	for _, ext := range x.Extension {
		if ext.URL != extXMLType {
			continue
		}
		v := ext.ValueString
		switch {
		case strings.Contains(v, "dateTime"):
			return systemTypes + "DateTime"
		case strings.Contains(v, "date") || strings.Contains(v, "gYear"):
			return systemTypes + "Date"
		case strings.Contains(v, "time"):
			return systemTypes + "Time"
		case strings.Contains(v, "boolean"):
			return systemTypes + "Boolean"
		case strings.Contains(v, "int") || strings.Contains(v, "Integer"):
			return systemTypes + "Integer"
		case strings.Contains(v, "decimal"):
			return systemTypes + "Decimal"
		default:
			return systemTypes + "String"
		}
	}
	return ""
}

// NormalizeType is the type code of elem as the walk and the XML reader
// treat it: typeCode, or elem's only type when typeCode is empty, with the
// System types snapshots give ids, urls and primitive values mapped to the
// FHIR primitive they stand for (Extension.url to uri, the rest by name).
func NormalizeType(elem *Element, typeCode string) string {
	if typeCode == "" && len(elem.Types) == 1 {
		typeCode = elem.Types[0].Code
	}
	if !strings.HasPrefix(typeCode, systemTypes) {
		return typeCode
	}
	if strings.HasSuffix(elem.Path, ".url") && strings.HasPrefix(elem.Path, "Extension") {
		return "uri"
	}
	switch typeCode[len(systemTypes):] {
	case "Boolean":
		return "boolean"
	case "Integer":
		return "integer"
	case "Decimal":
		return "decimal"
	case "Date":
		return "date"
	case "DateTime":
		return "dateTime"
	case "Time":
		return "time"
	}
	return "string"
}

func parseMax(s string) int {
	if s == "*" || s == "" {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

func lastSegment(s string) string {
	if i := strings.LastIndexAny(s, "./"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func stripVersion(url string) string {
	if i := strings.IndexByte(url, '|'); i >= 0 {
		return url[:i]
	}
	return url
}
