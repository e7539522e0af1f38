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

// staticType is the FHIR type an expression is known to have without
// evaluating it: the type named by "as T", as(T) or ofType(T).
func staticType(n node) string {
	switch n := n.(type) {
	case *parenNode:
		return staticType(n.x)
	case *cacheNode:
		return staticType(n.x)
	case *typeNode:
		if n.op == "as" && n.typ.namespace != "System" {
			return n.typ.name
		}
	case *callNode:
		if (n.name == "as" || n.name == "ofType") && n.typ != nil && n.typ.namespace != "System" {
			return n.typ.name
		}
	}
	return ""
}

// checkStaticMember (strict mode) fails on navigation to a name the
// statically known type of the target does not define, even when the
// target is empty: (value as Period).unit.
func (ev *evaluator) checkStaticMember(n *memberNode) {
	defs := ev.env.Defs
	typ := staticType(n.target)
	if defs == nil || typ == "" || n.name == "" || n.name[0] < 'a' || n.name[0] > 'z' {
		return
	}
	t := defs.Type(typ)
	if t == nil || t.Root == nil {
		return
	}
	if e, _ := t.Root.ChoiceType(n.name); e != nil || choiceElement(t.Root, n.name) != nil {
		return
	}
	ev.fail(n, "%s has no element named %s", typ, n.name)
}

// checkOrdered (strict mode) fails when an order-dependent operation is
// applied to children() or descendants(), whose order is not defined.
func (ev *evaluator) checkOrdered(at node, target node) {
	for {
		switch t := target.(type) {
		case *parenNode:
			target = t.x
			continue
		case *cacheNode:
			target = t.x
			continue
		case *callNode:
			if t.name == "children" || t.name == "descendants" {
				ev.fail(at, "the order of %s() is not defined, so it cannot be indexed or sliced", t.name)
			}
		}
		return
	}
}
