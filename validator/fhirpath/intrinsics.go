package fhirpath

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// intrinsics are native implementations of invariants evaluated at nearly
// every element, keyed by the canonical text of the expression. They must
// agree with the generic evaluation; TestIntrinsicsAgree checks that over
// the R4 examples.
var intrinsics = map[string]func(focus Node) (ok, done bool){
	// ele-1: All FHIR elements must have a @value or children.
	"hasValue() or (children().count() > id.count())": ele1,
	// dom-2 to dom-5 hold trivially without contained resources.
	"contained.contained.empty()": withoutContained,
	"contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()": withoutContained,
	"contained.meta.security.empty()":                                         withoutContained,
	"contained.where((('#' + id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()": withoutContained,
	// dom-6: narrative present.
	"text.`div`.exists()": dom6,
	// ref-1 (as CorrectInvariant gives it): only local references ("#id")
	// need the generic evaluation.
	"reference.exists() implies (reference = '#' or (reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))))": ref1,
}

// plainMember returns obj's member name when no other member could be
// navigated to as name (a `_name` twin, or a name-prefixed choice member
// that untyped navigation would consider); ok is false otherwise.
func plainMember(t *jsontree.Tree, obj jsontree.ID, name string) (v jsontree.ID, ok bool) {
	v = jsontree.None
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		if k == name {
			v = c
			continue
		}
		if strings.HasPrefix(k, name) || (len(k) > 0 && k[0] == '_' && strings.HasPrefix(k[1:], name)) {
			return v, false
		}
	}
	return v, true
}

func objectFocus(n Node) bool {
	return n.ID != jsontree.None && n.Tree.Kind(n.ID) == jsontree.Object
}

// withoutContained: true when the focus has no contained resources.
func withoutContained(n Node) (bool, bool) {
	if !objectFocus(n) {
		return false, false
	}
	v, ok := n.Tree.Get(n.ID, "contained"), true
	if v == jsontree.None {
		_, ok = plainMember(n.Tree, n.ID, "contained")
	}
	return true, ok && v == jsontree.None
}

// dom6: text.div exists, decided natively for plain shapes.
func dom6(n Node) (bool, bool) {
	if !objectFocus(n) {
		return false, false
	}
	t := n.Tree
	text, ok := plainMember(t, n.ID, "text")
	if !ok {
		return false, false
	}
	if text == jsontree.None {
		return false, true
	}
	if t.Kind(text) != jsontree.Object {
		return false, false
	}
	div, ok := plainMember(t, text, "div")
	if !ok {
		return false, false
	}
	if div == jsontree.None {
		return false, true
	}
	if t.Kind(div) == jsontree.String {
		return true, true
	}
	return false, false
}

// ref1: true for references that are absent or not local.
func ref1(n Node) (bool, bool) {
	if !objectFocus(n) {
		return false, false
	}
	t := n.Tree
	r, ok := plainMember(t, n.ID, "reference")
	if !ok {
		return false, false
	}
	if r == jsontree.None {
		return true, true
	}
	if t.Kind(r) == jsontree.String && !strings.HasPrefix(t.Str(r), "#") {
		return true, true
	}
	return false, false
}

// ele1: a primitive value, or some child other than id. children() counts
// every property except resourceType, and id.count() is that of id, so the
// rule holds when any other property yields an item.
func ele1(n Node) (bool, bool) {
	t := n.Tree
	if n.ID != jsontree.None {
		switch t.Kind(n.ID) {
		case jsontree.Object:
			return hasItemsBesidesID(t, n.ID), true
		case jsontree.Array:
			return false, false
		case jsontree.Null:
		default:
			return true, true // hasValue()
		}
	}
	// A primitive without a value: its companion holds id and extension.
	if n.Ext != jsontree.None && t.Kind(n.Ext) == jsontree.Object {
		x := t.Get(n.Ext, "extension")
		return yieldsItem(t, x, jsontree.None), true
	}
	return false, true
}

// hasItemsBesidesID reports whether an object has a property, other than
// resourceType and id, that yields at least one item.
func hasItemsBesidesID(t *jsontree.Tree, obj jsontree.ID) bool {
	for c := t.First(obj); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		switch k {
		case "resourceType", "id", "_id":
			continue
		}
		if len(k) > 1 && k[0] == '_' {
			if yieldsItem(t, jsontree.None, c) {
				return true
			}
			continue
		}
		if yieldsItem(t, c, jsontree.None) {
			return true
		}
	}
	return false
}

// yieldsItem reports whether a property value (or companion) holds a
// non-null value or array item.
func yieldsItem(t *jsontree.Tree, v, x jsontree.ID) bool {
	for _, id := range [2]jsontree.ID{v, x} {
		if id == jsontree.None {
			continue
		}
		switch t.Kind(id) {
		case jsontree.Null:
		case jsontree.Array:
			for c := t.First(id); c != jsontree.None; c = t.Next(c) {
				if t.Kind(c) != jsontree.Null {
					return true
				}
			}
		default:
			return true
		}
	}
	return false
}
