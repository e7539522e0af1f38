package fhirxml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/primitive"
)

// ToXML writes the canonical XML form of one FHIR JSON resource: elements
// in definition order, two-space indentation, primitives as value
// attributes, id and extension url as attributes, the narrative div
// verbatim, the FHIR namespace on the root. defs are the core definitions of
// the resource's FHIR version. Members the definitions do not know are
// written in the order given, so that validating the XML reports them as
// validating the JSON does. The error is non-nil only when the JSON cannot
// be read or is not an object with a resourceType.
func ToXML(jsonData []byte, defs *definitions.Set) ([]byte, error) {
	if defs == nil {
		return nil, errors.New("fhirxml.ToXML: no definitions")
	}
	tree, probs := jsontree.Parse(jsonData, jsontree.Options{})
	if tree == nil {
		p := probs[len(probs)-1]
		line, col := position(jsonData, p.Offset)
		return nil, fmt.Errorf("%d:%d: %s", line, col, p.Message)
	}
	root := tree.Root()
	if tree.Kind(root) != jsontree.Object {
		return nil, errors.New("the JSON is not an object, so not a FHIR resource")
	}
	rt := tree.Get(root, "resourceType")
	if rt == jsontree.None || tree.Kind(rt) != jsontree.String || !isXMLName(tree.Str(rt)) {
		return nil, errors.New("the JSON has no resourceType, so it is not a FHIR resource")
	}
	w := &writer{t: tree, defs: defs}
	w.b = append(w.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	w.resource(root, 0, true)
	return w.b, nil
}

// CanonicalJSON is the canonical JSON form: what ToJSON reads back from the
// canonical XML, indented by two spaces. JSON → XML → JSON gives it, and it
// is a fixed point of that round trip.
func CanonicalJSON(jsonData []byte, defs *definitions.Set) ([]byte, error) {
	x, err := ToXML(jsonData, defs)
	if err != nil {
		return nil, err
	}
	j, err := ToJSON(x, defs)
	if err != nil {
		return nil, err
	}
	return Indent(j), nil
}

// Indent formats compact JSON with two-space indentation (strings and
// numbers are kept byte for byte).
func Indent(compact []byte) []byte {
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return compact
	}
	out.WriteByte('\n')
	return out.Bytes()
}

type writer struct {
	t    *jsontree.Tree
	defs *definitions.Set
	b    []byte
}

func (w *writer) indent(depth int) {
	for i := 0; i < depth; i++ {
		w.b = append(w.b, ' ', ' ')
	}
}

// member is one JSON member to write as elements, with its definition
// position (its "_name" companion travels with it).
type member struct {
	name      string
	value     jsontree.ID // None when only "_name" is present
	companion jsontree.ID // the "_name" member, or None
	order     int
	elem      *definitions.Element
	typeCode  string
}

func (w *writer) resource(obj jsontree.ID, depth int, root bool) {
	t := w.t
	name := t.Str(t.Get(obj, "resourceType"))
	w.indent(depth)
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	if root {
		w.b = append(w.b, ` xmlns="http://hl7.org/fhir"`...)
	}
	var def *definitions.Element
	if typ := w.defs.Type(name); typ != nil && typ.Kind == "resource" {
		def = typ.Root
	}
	if w.content(obj, def, name, depth, true) {
		w.closeTag(name, depth)
	}
}

// content writes the attributes (id, url) and children of an object (a
// resource when isResource) and the end of its start tag ("/>" when it has
// no children).
func (w *writer) content(obj jsontree.ID, def *definitions.Element, typeName string, depth int, isResource bool) bool {
	t := w.t
	var members []member
	index := map[string]int{}
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		switch {
		case k == "resourceType" && isResource:
			continue
		case (k == "id" && !isResource) || (k == "url" && typeName == "Extension"):
			if t.Kind(c) == jsontree.String {
				w.attr(k, t.Str(c))
				continue
			}
		}
		base, companion := k, false
		if strings.HasPrefix(k, "_") && len(k) > 1 {
			base, companion = k[1:], true
		}
		i, ok := index[base]
		if !ok {
			i = len(members)
			index[base] = i
			m := member{name: base, value: jsontree.None, companion: jsontree.None, order: 1 << 30}
			if def != nil {
				if elem, code := def.ChoiceType(base); elem != nil {
					m.elem, m.typeCode = elem, definitions.NormalizeType(elem, code)
					m.order = childIndex(def, elem)
				}
			}
			members = append(members, m)
		}
		if companion {
			members[i].companion = c
		} else {
			members[i].value = c
		}
	}
	sort.SliceStable(members, func(a, b int) bool { return members[a].order < members[b].order })
	if len(members) == 0 {
		w.b = append(w.b, "/>\n"...)
		return false
	}
	w.b = append(w.b, ">\n"...)
	for i := range members {
		w.member(&members[i], depth+1)
	}
	return true
}

func childIndex(def *definitions.Element, elem *definitions.Element) int {
	if def.Ref != nil {
		def = def.Ref
	}
	for i, c := range def.Children {
		if c == elem {
			return i
		}
	}
	return 1 << 29
}

func (w *writer) closeTag(name string, depth int) {
	w.indent(depth)
	w.b = append(w.b, "</"...)
	w.b = append(w.b, name...)
	w.b = append(w.b, ">\n"...)
}

// member writes the elements of one member.
func (w *writer) member(m *member, depth int) {
	t := w.t
	if !isXMLName(m.name) {
		return // not expressible as an XML element name
	}
	kind := kindUnknown
	if m.elem != nil {
		switch {
		case m.typeCode == "xhtml":
			kind = kindXHTML
		case primitive.IsPrimitive(m.typeCode):
			kind = kindPrimitive
		case m.typeCode == "Resource" || m.typeCode == "DomainResource" || w.isResourceType(m.typeCode):
			kind = kindResource
		default:
			kind = kindComplex
		}
	}
	count := 1
	if m.value != jsontree.None && t.Kind(m.value) == jsontree.Array {
		count = t.Count(m.value)
	}
	if m.value == jsontree.None && m.companion != jsontree.None && t.Kind(m.companion) == jsontree.Array {
		count = t.Count(m.companion)
	}
	for i := 0; i < count; i++ {
		v, x := m.value, m.companion
		if v != jsontree.None && t.Kind(v) == jsontree.Array {
			v = t.Item(v, i)
		}
		if x != jsontree.None && t.Kind(x) == jsontree.Array {
			x = t.Item(x, i)
		}
		if v != jsontree.None && t.Kind(v) == jsontree.Null {
			v = jsontree.None
		}
		if x != jsontree.None && t.Kind(x) != jsontree.Object {
			x = jsontree.None
		}
		w.element(m, kind, v, x, depth)
	}
}

func (w *writer) isResourceType(code string) bool {
	typ := w.defs.Type(code)
	return typ != nil && typ.Kind == "resource"
}

func (w *writer) element(m *member, kind int, v, x jsontree.ID, depth int) {
	t := w.t
	if kind == kindXHTML && v != jsontree.None && t.Kind(v) == jsontree.String {
		w.indent(depth)
		w.b = append(w.b, t.Str(v)...)
		w.b = append(w.b, '\n')
		return
	}
	if kind == kindResource && v != jsontree.None && t.Kind(v) == jsontree.Object {
		if rt := t.Get(v, "resourceType"); rt != jsontree.None && t.Kind(rt) == jsontree.String && isXMLName(t.Str(rt)) {
			w.indent(depth)
			w.b = append(w.b, '<')
			w.b = append(w.b, m.name...)
			w.b = append(w.b, ">\n"...)
			w.resource(v, depth+1, false)
			w.closeTag(m.name, depth)
			return
		}
	}
	w.indent(depth)
	w.b = append(w.b, '<')
	w.b = append(w.b, m.name...)
	if v != jsontree.None {
		switch t.Kind(v) {
		case jsontree.String:
			w.attr("value", t.Str(v))
		case jsontree.Number, jsontree.Bool:
			w.attr("value", string(t.Raw(v)))
		case jsontree.Object:
			var def *definitions.Element
			if m.elem != nil {
				def = w.defs.Content(m.elem, m.typeCode)
			}
			if w.content(v, def, m.typeCode, depth, false) {
				w.closeTag(m.name, depth)
			}
			return
		}
	}
	if x == jsontree.None {
		w.b = append(w.b, "/>\n"...)
		return
	}
	if w.content(x, w.defs.Content(nil, m.typeCode), m.typeCode, depth, false) {
		w.closeTag(m.name, depth)
	}
}

// attr writes name="value" with XML escaping; tab, CR and LF become
// character references so that they survive attribute normalisation.
func (w *writer) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	start := 0
	for i := 0; i < len(value); i++ {
		var rep string
		switch value[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&quot;"
		case '\n':
			rep = "&#10;"
		case '\r':
			rep = "&#13;"
		case '\t':
			rep = "&#9;"
		default:
			if value[i] < 0x20 {
				rep = fmt.Sprintf("&#%d;", value[i])
			} else {
				continue
			}
		}
		w.b = append(w.b, value[start:i]...)
		w.b = append(w.b, rep...)
		start = i + 1
	}
	w.b = append(w.b, value[start:]...)
	w.b = append(w.b, '"')
}

// isXMLName reports whether s can be written as an XML element name.
func isXMLName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) || s[i] == ':' {
			return false
		}
	}
	return true
}
