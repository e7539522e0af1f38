package fhirpath

import "github.com/fhirlens/fhirlens/validator/jsontree"

// intrinsics are native implementations of invariants evaluated at nearly
// every element, keyed by the canonical text of the expression. They must
// agree with the generic evaluation; TestIntrinsicsAgree checks that over
// the R4 examples.
var intrinsics = map[string]func(focus Node) (ok, done bool){
	// ele-1: All FHIR elements must have a @value or children.
	"hasValue() or (children().count() > id.count())": ele1,
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
