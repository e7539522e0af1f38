package fhirpath

// systemTypeNames are the System namespace types.
var systemTypeNames = map[string]bool{
	"Boolean": true, "Integer": true, "Decimal": true, "String": true, "Date": true,
	"DateTime": true, "Time": true, "Quantity": true, "Any": true,
}

// isType implements "is": v is of type spec or a subtype of it.
func (ev *evaluator) isType(v Value, spec typeSpec) bool {
	ev.checkTypeKnown(spec)
	if n, ok := v.(Node); ok {
		if spec.namespace == "System" {
			return spec.name == "Any"
		}
		if ev.nodeIsType(n, "FHIR", spec.name) {
			return true
		}
		// R4 invariants test FHIR primitives against unqualified System
		// names (que-7: "answer is Boolean"), so those match too.
		return spec.namespace == "" && systemNameOf(n.Type) == spec.name
	}
	if spec.namespace == "FHIR" {
		return false
	}
	name := v.TypeName()[len("System."):]
	return spec.name == name || spec.name == "Any"
}

// nodeIsType reports whether node n's FHIR type is name or derives from it.
func (ev *evaluator) nodeIsType(n Node, namespace, name string) bool {
	if namespace != "FHIR" && namespace != "" {
		return false
	}
	typ := n.Type
	if typ == "" {
		return false
	}
	if typ == name {
		return true
	}
	if defs := ev.env.Defs; defs != nil {
		if defs.IsSubtype(typ, name) {
			return true
		}
		// Profiles of a type (SimpleQuantity → Quantity) count as that type.
		if t := defs.Type(typ); t == nil {
			if p := defs.Profile("http://hl7.org/fhir/StructureDefinition/" + typ); p != nil && p.Base != "" {
				return defs.IsSubtype(p.Base, name)
			}
		}
		return false
	}
	// Without definitions only the trivial hierarchy is known.
	switch name {
	case "Resource", "DomainResource":
		return isResourceObject(n.Tree, n.ID)
	case "Element":
		return true
	}
	return false
}

// typeInfo is the result of type(): a SimpleTypeInfo or ClassInfo, whose
// namespace and name are navigable.
type typeInfo struct {
	namespace, name string
}

func (typeInfo) TypeName() string { return "System.TypeInfo" }

func (ev *evaluator) typeOf(v Value) typeInfo {
	if n, ok := v.(Node); ok {
		name := n.Type
		if name == "" {
			name = "Element"
		}
		return typeInfo{namespace: "FHIR", name: name}
	}
	return typeInfo{namespace: "System", name: v.TypeName()[len("System."):]}
}

// typeLabel names a value's type for messages.
func typeLabel(v Value) string {
	if v == nil {
		return "empty"
	}
	return v.TypeName()
}

// checkTypeKnown fails on a type name that names nothing (with definitions
// loaded), so a typo in is/as/ofType does not silently yield false.
func (ev *evaluator) checkTypeKnown(spec typeSpec) {
	defs := ev.env.Defs
	if defs == nil {
		return
	}
	switch spec.namespace {
	case "System":
		if systemTypeNames[spec.name] {
			return
		}
	case "FHIR":
		if defs.Type(spec.name) != nil {
			return
		}
	case "":
		if systemTypeNames[spec.name] || defs.Type(spec.name) != nil {
			return
		}
	}
	if defs.Profile("http://hl7.org/fhir/StructureDefinition/"+spec.name) != nil {
		return
	}
	ev.fail(nil, "unknown type %s", spec)
}

// asType is the test of as/ofType: like is, except that FHIR primitives
// must match exactly (a code is not returned by as(string), as the
// official suite expects).
func (ev *evaluator) asType(v Value, spec typeSpec) bool {
	if !ev.isType(v, spec) {
		return false
	}
	if n, ok := v.(Node); ok && primitiveKinds[n.Type] != 0 {
		return n.Type == spec.name
	}
	return true
}

// systemNameOf is the System type a FHIR primitive type maps to.
func systemNameOf(fhirType string) string {
	switch primitiveKinds[fhirType] {
	case 'b':
		return "Boolean"
	case 'i':
		return "Integer"
	case 'n':
		return "Decimal"
	case 'd':
		return "Date"
	case 't':
		return "DateTime"
	case 'h':
		return "Time"
	case 's':
		return "String"
	}
	return ""
}
