package fhirpath

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// content is the element whose children describe n's properties, or nil
// when no definitions are loaded or the type is unknown.
func (ev *evaluator) content(n Node) *definitions.Element {
	defs := ev.env.Defs
	if defs == nil {
		return nil
	}
	return defs.Content(n.Elem, n.Type)
}

// choiceElement finds a choice child "value" (value[x]) of content.
func choiceElement(content *definitions.Element, name string) *definitions.Element {
	if content == nil {
		return nil
	}
	if content.Ref != nil {
		content = content.Ref
	}
	for _, c := range content.Children {
		if c.Choice && c.Name == name {
			return c
		}
	}
	return nil
}

// member appends the children of v named name to out. A name starting with
// an upper-case letter is a type name ("Patient.name"): it keeps v when v
// is of that type.
func (ev *evaluator) member(at node, v Value, out Collection, implicit bool) Collection {
	name := at.(*memberNode).name
	if ti, ok := v.(typeInfo); ok {
		switch name {
		case "namespace":
			return append(out, String(ti.namespace))
		case "name":
			return append(out, String(ti.name))
		}
		return out
	}
	n, ok := v.(Node)
	if !ok {
		return out
	}
	if name != "" && name[0] >= 'A' && name[0] <= 'Z' {
		if ev.nodeIsType(n, "FHIR", name) || (n.Type == "" && isResourceObject(n.Tree, n.ID) && n.Tree.Str(n.Tree.Get(n.ID, "resourceType")) == name) {
			return append(out, n)
		}
		if ev.env.Strict && n.Type != "" {
			ev.fail(at, "%s does not match the type of the focus (%s)", name, n.Type)
		}
		return out
	}
	if ev.env.Strict {
		ev.checkStrictName(at, n, name)
	}
	return ev.childItems(n, name, out)
}

// checkStrictName fails when a typed node has no property name.
func (ev *evaluator) checkStrictName(at node, n Node, name string) {
	content := ev.content(n)
	if content == nil {
		return
	}
	if elem, _ := content.ChoiceType(name); elem != nil {
		if elem.Choice && elem.Name != name {
			ev.fail(at, "%s is a choice element: navigate with %s (and ofType())", name, elem.Name)
		}
		return
	}
	if choiceElement(content, name) != nil {
		return
	}
	if n.ID == jsontree.None || n.Tree.Kind(n.ID) != jsontree.Object {
		if name == "extension" || name == "id" {
			return
		}
	}
	ev.fail(at, "%s has no element named %s", n.Type, name)
}

// childItems appends the values of property name of n.
func (ev *evaluator) childItems(n Node, name string, out Collection) Collection {
	t := n.Tree
	obj := n.ID
	if obj == jsontree.None || t.Kind(obj) != jsontree.Object {
		// A primitive: only its companion's id and extension are navigable.
		if n.Ext == jsontree.None || t.Kind(n.Ext) != jsontree.Object || (name != "extension" && name != "id") {
			return out
		}
		return ev.emit(n, n.Ext, name, name, typeCodeOfPrimitiveChild(name), nil, out)
	}
	content := ev.content(n)
	if content != nil {
		if elem, code := content.ChoiceType(name); elem != nil {
			return ev.emit(n, obj, name, name, code, elem, out)
		}
		if elem := choiceElement(content, name); elem != nil {
			// One pass over the members: value[x] allows ~50 types.
			for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
				k := t.Key(c)
				if base, ok := strings.CutPrefix(k, "_"); ok {
					// A primitive choice present only as "_valueString"
					// (extensions, no value) still exists.
					if t.Get(obj, base) != jsontree.None {
						continue // emitted with its value
					}
					k = base
				}
				if len(k) <= len(name) || k[:len(name)] != name || k[len(name)] < 'A' || k[len(name)] > 'Z' {
					continue
				}
				if e, code := content.ChoiceType(k); e == elem {
					out = ev.emit(n, obj, name, k, code, elem, out)
				}
			}
			return out
		}
	}
	before := len(out)
	out = ev.emit(n, obj, name, name, "", nil, out)
	if len(out) > before || content != nil {
		return out
	}
	// Untyped: a choice property is name + a type suffix.
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		if len(k) > len(name) && strings.HasPrefix(k, name) && k[len(name)] >= 'A' && k[len(name)] <= 'Z' {
			out = ev.emit(n, obj, name, k, typeFromSuffix(k[len(name):]), nil, out)
		}
	}
	return out
}

func typeCodeOfPrimitiveChild(name string) string {
	if name == "extension" {
		return "Extension"
	}
	return "string"
}

// typeFromSuffix maps a choice suffix to a type name: "Quantity" stays,
// "String" becomes "string".
func typeFromSuffix(s string) string {
	lower := strings.ToLower(s[:1]) + s[1:]
	if _, ok := primitiveKinds[lower]; ok {
		return lower
	}
	return s
}

// emit appends the items of property key of obj (and its `_key` twin).
func (ev *evaluator) emit(parent Node, obj jsontree.ID, name, key, code string, elem *definitions.Element, out Collection) Collection {
	t := parent.Tree
	v, x := getWithCompanion(t, obj, key)
	if !(code == "" || primitiveKinds[code] != 0 || elem == nil) {
		x = jsontree.None // complex types have no `_name` twin
	}
	if v == jsontree.None && x == jsontree.None {
		return out
	}
	if code == "" && elem != nil && len(elem.Types) == 1 {
		code = elem.Types[0].Code
	}
	if code == "" && elem != nil && len(elem.Children) > 0 {
		code = "BackboneElement"
	}
	make1 := func(val, ext jsontree.ID) Node {
		if val != jsontree.None && t.Kind(val) == jsontree.Null {
			val = jsontree.None
		}
		if ext != jsontree.None && t.Kind(ext) == jsontree.Null {
			ext = jsontree.None
		}
		if (code == "Resource" || code == "DomainResource" || code == "") && isResourceObject(t, val) {
			r := ResourceNode(ev.env.Defs, t, val)
			r.Name = key
			return r
		}
		return Node{Tree: t, ID: val, Ext: ext, Type: code, Elem: elem, Name: key}
	}
	vArr := v != jsontree.None && t.Kind(v) == jsontree.Array
	xArr := x != jsontree.None && t.Kind(x) == jsontree.Array
	if !vArr && !xArr {
		if it := make1(v, x); it.ID != jsontree.None || it.Ext != jsontree.None {
			out = append(out, it)
		}
		return out
	}
	vi, xi := jsontree.None, jsontree.None
	if vArr {
		vi = t.First(v)
	}
	if xArr {
		xi = t.First(x)
	}
	for vi != jsontree.None || xi != jsontree.None {
		if it := make1(vi, xi); it.ID != jsontree.None || it.Ext != jsontree.None {
			out = append(out, it)
		}
		if vi != jsontree.None {
			vi = t.Next(vi)
		}
		if xi != jsontree.None {
			xi = t.Next(xi)
		}
	}
	return out
}

// children appends every child item of v, in document order.
func (ev *evaluator) children(v Value, out Collection) Collection {
	n, ok := v.(Node)
	if !ok {
		return out
	}
	t := n.Tree
	obj := n.ID
	if obj == jsontree.None || t.Kind(obj) != jsontree.Object {
		if n.Ext != jsontree.None && t.Kind(n.Ext) == jsontree.Object {
			out = ev.childItems(n, "id", out)
			out = ev.childItems(n, "extension", out)
		}
		return out
	}
	content := ev.content(n)
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		if k == "resourceType" {
			continue
		}
		if base, ok := strings.CutPrefix(k, "_"); ok {
			if t.Get(obj, base) != jsontree.None {
				continue // emitted with its value
			}
			k = base
		}
		var elem *definitions.Element
		code := ""
		if content != nil {
			elem, code = content.ChoiceType(k)
		}
		if elem == nil && content == nil {
			code = ""
		}
		out = ev.emit(n, obj, k, k, code, elem, out)
	}
	return out
}

// primitiveKinds classifies FHIR primitive types by their System type.
var primitiveKinds = map[string]byte{
	"boolean": 'b', "integer": 'i', "positiveInt": 'i', "unsignedInt": 'i', "integer64": 'i',
	"decimal": 'n', "date": 'd', "dateTime": 't', "instant": 't', "time": 'h',
	"string": 's', "code": 's', "id": 's', "uri": 's', "url": 's', "canonical": 's',
	"oid": 's', "uuid": 's', "markdown": 's', "base64Binary": 's', "xhtml": 's',
}

var quantityTypes = map[string]bool{
	"Quantity": true, "Age": true, "Duration": true, "Distance": true, "Count": true,
	"SimpleQuantity": true, "MoneyQuantity": true,
}

// primitive converts a node holding a FHIR primitive to its System value
// (and a FHIR Quantity to a System Quantity); other values are returned as is.
func (ev *evaluator) primitive(v Value) Value {
	n, ok := v.(Node)
	if !ok {
		return v
	}
	if s, ok := nodeSystemValue(n); ok {
		return s
	}
	return v
}

// nodeSystemValue is the System value of a primitive node.
func nodeSystemValue(n Node) (Value, bool) {
	if n.ID == jsontree.None {
		return nil, false
	}
	t := n.Tree
	switch t.Kind(n.ID) {
	case jsontree.Object:
		if quantityTypes[n.Type] {
			return quantityOfNode(n)
		}
		return nil, false
	case jsontree.Array, jsontree.Null:
		return nil, false
	case jsontree.Bool:
		return Boolean(t.Bool(n.ID)), true
	case jsontree.Number:
		raw := t.Str(n.ID)
		kind := primitiveKinds[n.Type]
		if kind == 'i' || (kind == 0 && !strings.ContainsAny(raw, ".eE")) {
			if d, ok := parseDecimal(raw); ok {
				if i, ok := d.Int64(); ok {
					return Integer(i), true
				}
				return d, true
			}
		}
		if d, ok := parseDecimal(raw); ok {
			return d, true
		}
		return nil, false
	}
	s := t.Str(n.ID)
	switch primitiveKinds[n.Type] {
	case 'd':
		if tm, ok := parseDateText(s); ok {
			return Date{tm}, true
		}
	case 't':
		if tm, ok := parseDateTimeText(s); ok {
			return DateTime{tm}, true
		}
	case 'h':
		var tm temporal
		if parseTimeText(s, &tm) {
			return Time{tm}, true
		}
	case 'n':
		if d, ok := parseDecimal(s); ok {
			return d, true
		}
	case 'i':
		if d, ok := parseDecimal(s); ok {
			if i, ok := d.Int64(); ok {
				return Integer(i), true
			}
		}
	case 'b':
		if s == "true" || s == "false" {
			return Boolean(s == "true"), true
		}
	}
	return String(s), true
}

func quantityOfNode(n Node) (Value, bool) {
	t := n.Tree
	val := t.Get(n.ID, "value")
	if val == jsontree.None || t.Kind(val) != jsontree.Number {
		return nil, false
	}
	d, ok := parseDecimal(t.Str(val))
	if !ok {
		return nil, false
	}
	unit := ""
	if c := t.Get(n.ID, "code"); c != jsontree.None && t.Kind(c) == jsontree.String {
		unit = t.Str(c)
		if sys := t.Get(n.ID, "system"); sys != jsontree.None && t.Str(sys) != "http://unitsofmeasure.org" {
			unit = ""
		}
	}
	if unit == "" {
		if u := t.Get(n.ID, "unit"); u != jsontree.None && t.Kind(u) == jsontree.String {
			unit = t.Str(u)
			if c, ok := calendarUnits[unit]; ok {
				unit = c
			}
		}
	}
	if unit == "" {
		unit = "1"
	}
	return Quantity{Value: d, Unit: unit}, true
}

// valueless reports whether v is a primitive node present only through its
// `_name` companion: it has no value, so value functions and operators see
// it as empty.
func valueless(v Value) bool {
	n, ok := v.(Node)
	return ok && (n.ID == jsontree.None || n.Tree.Kind(n.ID) == jsontree.Null)
}

// hasPrimitiveValue reports whether v is (or is a node holding) a value.
func hasPrimitiveValue(v Value) bool {
	n, ok := v.(Node)
	if !ok {
		return true
	}
	if n.ID == jsontree.None {
		return false
	}
	k := n.Tree.Kind(n.ID)
	return k != jsontree.Object && k != jsontree.Array && k != jsontree.Null
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// getCompanion is obj's member "_"+key, found without building the name.
func getCompanion(t *jsontree.Tree, obj jsontree.ID, key string) jsontree.ID {
	if obj < 0 || t.Kind(obj) != jsontree.Object {
		return jsontree.None
	}
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		if len(k) == len(key)+1 && k[0] == '_' && k[1:] == key {
			return c
		}
	}
	return jsontree.None
}

// getWithCompanion finds obj's members key and "_"+key in one pass.
func getWithCompanion(t *jsontree.Tree, obj jsontree.ID, key string) (v, x jsontree.ID) {
	v, x = jsontree.None, jsontree.None
	if obj < 0 || t.Kind(obj) != jsontree.Object {
		return
	}
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		switch {
		case len(k) == len(key) && k == key:
			if v == jsontree.None {
				v = c
			}
		case len(k) == len(key)+1 && k[0] == '_' && k[1:] == key:
			if x == jsontree.None {
				x = c
			}
		}
	}
	return
}
