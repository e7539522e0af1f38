package fhirpath

import (
	"time"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Env is what one evaluation runs against. Only Tree and Focus are
// required; without Defs, types come from the JSON alone (no is/ofType on
// FHIR types, primitives typed by their JSON kind).
type Env struct {
	Defs *definitions.Set
	Tree *jsontree.Tree
	// Focus is the node the expression is evaluated on: an object or a
	// primitive value, never the array of a repeating element (pass each
	// item). FocusType is its FHIR type ("Patient", "HumanName", "Quantity"
	// for valueQuantity; empty: the resourceType of a resource node) and
	// FocusElem its element definition, when known. Zero and None both mean
	// the root.
	Focus     jsontree.ID
	FocusType string
	FocusElem *definitions.Element
	// FocusCompanion is the `_name` object of a primitive focus. It is found
	// automatically when Focus is a primitive value; for a primitive present
	// only as `_name` (no value), set Focus to None and this to the object.
	FocusCompanion jsontree.ID
	// Resource and RootResource bind %resource and %rootResource. Zero or
	// None derives them from Focus: the nearest enclosing resource, and that
	// resource's container (for a contained resource) or itself.
	Resource     jsontree.ID
	RootResource jsontree.ID
	// ResourcesSet says Resource and RootResource are given even when zero
	// (the root node of the tree, e.g. a Bundle holding the focus).
	ResourcesSet bool
	// Context binds %context; zero or None means the focus.
	Context jsontree.ID
	// Vars are extra %name constants, e.g. {"profile": ...}.
	Vars map[string]Collection
	// Resolver answers resolve(); nil uses a GraphResolver over the tree
	// (contained resources and the entries of the enclosing Bundle, by the
	// Bundle rules), kept with the Env and reused while Tree stays the same.
	Resolver Resolver
	// Terminology answers memberOf(); nil uses the value sets of Defs.
	Terminology Terminology
	// Now is the evaluation instant for now()/today()/timeOfDay(); zero means
	// the wall clock at the start of the evaluation.
	Now time.Time
	// Trace receives trace() output; nil discards it.
	Trace func(name string, values Collection)
	// Strict makes navigation to a name the focus type does not define, a
	// choice element named with its type suffix ("valueQuantity") and a type
	// name that does not match the focus errors instead of empty results.
	// Invariants run non-strict; strict mode helps when probing data.
	Strict bool
	// MaxWork bounds the items an evaluation may produce or scan; 0 means
	// DefaultMaxWork.
	MaxWork int
	// MaxBytes bounds the bytes of the strings an evaluation may build; 0
	// means DefaultMaxBytes.
	MaxBytes int

	graphs *GraphResolver // the default Resolver, built on first resolve()
}

// DefaultMaxWork is generous for invariants over large resources but stops
// runaway expressions (huge repeat()/descendants() products) in well under a second.
const DefaultMaxWork = 2_000_000

// Resolver finds the target of a reference for resolve().
type Resolver interface {
	// Resolve returns the resource a reference string points to, seen from
	// the node holding the reference, or false when it cannot be found.
	Resolve(env *Env, reference string, from Node) (Node, bool)
}

// Terminology answers value set membership for memberOf().
type Terminology interface {
	// MemberOf reports whether system|code is in the value set. known is
	// false when the value set cannot be checked offline.
	MemberOf(valueSetURL, system, code string) (member, known bool)
}

// ResourceNode returns a node item for a resource object, typed by its
// resourceType.
func ResourceNode(defs *definitions.Set, tree *jsontree.Tree, id jsontree.ID) Node {
	n := Node{Tree: tree, ID: id, Ext: jsontree.None}
	if id == jsontree.None || tree.Kind(id) != jsontree.Object {
		return n
	}
	if rt := tree.Get(id, "resourceType"); rt != jsontree.None && tree.Kind(rt) == jsontree.String {
		n.Type = tree.Str(rt)
		if defs != nil {
			if t := defs.Type(n.Type); t != nil {
				n.Elem = t.Root
			}
		}
	}
	return n
}

// isResourceObject reports whether id is a JSON object with a resourceType.
func isResourceObject(tree *jsontree.Tree, id jsontree.ID) bool {
	if id == jsontree.None || tree.Kind(id) != jsontree.Object {
		return false
	}
	rt := tree.Get(id, "resourceType")
	return rt != jsontree.None && tree.Kind(rt) == jsontree.String
}

// enclosingResource is the nearest resource object at or above id.
func enclosingResource(tree *jsontree.Tree, id jsontree.ID) jsontree.ID {
	for n := id; n != jsontree.None; n = tree.Parent(n) {
		if isResourceObject(tree, n) {
			return n
		}
	}
	return jsontree.None
}

// containerResource returns the resource that holds res in its "contained"
// list, or res itself.
func containerResource(tree *jsontree.Tree, res jsontree.ID) jsontree.ID {
	p := tree.Parent(res)
	if p != jsontree.None && tree.Kind(p) == jsontree.Array && tree.Key(p) == "contained" {
		if outer := enclosingResource(tree, tree.Parent(p)); outer != jsontree.None {
			return outer
		}
	}
	return res
}

// valueSetTerminology answers memberOf from the embedded value sets.
type valueSetTerminology struct{ defs *definitions.Set }

func (t valueSetTerminology) MemberOf(url, system, code string) (bool, bool) {
	if t.defs == nil {
		return false, false
	}
	vs := t.defs.ValueSet(url)
	if vs == nil || !vs.Enumerable {
		return false, false
	}
	return vs.Contains(system, code), true
}

// nodesValid reports whether every node the environment names is in the tree.
func (env *Env) nodesValid() bool {
	n := jsontree.ID(env.Tree.Len())
	return n > 0 && env.Focus >= jsontree.None && env.Focus < n && env.Resource < n && env.RootResource < n &&
		env.FocusCompanion < n && env.Context < n
}
