package fhirpath

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/xhtml"
)

// unsupported lists FHIR functions that are recognised but not implemented;
// calling one is an evaluation error naming it.
var unsupported = map[string]string{
	"elementDefinition": "elementDefinition() is not supported",
	"slice":             "slice() is not supported",
	"checkModifiers":    "checkModifiers() is not supported",
	"subsumes":          "subsumes() needs a terminology server and is not supported",
	"subsumedBy":        "subsumedBy() needs a terminology server and is not supported",
}

func registerFHIR() {
	register("extension", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		url, ok := ev.stringArg(c, 0, focus, fr)
		if !ok {
			return nil
		}
		var out Collection
		for _, v := range in {
			n, ok := v.(Node)
			if !ok {
				continue
			}
			for _, x := range ev.childItems(n, "extension", nil) {
				xn := x.(Node)
				if u := xn.Tree.Get(xn.ID, "url"); u != jsontree.None && xn.Tree.Str(u) == url {
					out = append(out, x)
				}
			}
		}
		return out
	})
	register("hasValue", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return boolColl(len(in) == 1 && hasPrimitiveValue(in[0]) && isNodeValue(in[0]))
	})
	register("getValue", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if len(in) != 1 || !hasPrimitiveValue(in[0]) {
			return nil
		}
		return Collection{ev.primitive(in[0])}
	})
	register("resolve", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		res := ev.env.Resolver
		if res == nil {
			if ev.env.graphs == nil {
				ev.env.graphs = &GraphResolver{}
			}
			res = ev.env.graphs
		}
		for _, v := range in {
			ref, from := ev.referenceOf(v)
			if ref == "" {
				continue
			}
			if t, ok := res.Resolve(ev.env, ref, from); ok {
				out = append(out, t)
			}
		}
		return out
	})
	register("memberOf", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		url, ok := ev.stringArg(c, 0, focus, fr)
		v := ev.single(c, in)
		if !ok || v == nil {
			return nil
		}
		term := ev.env.Terminology
		if term == nil {
			term = valueSetTerminology{ev.env.Defs}
		}
		codes := ev.codings(v)
		if len(codes) == 0 {
			return nil
		}
		anyKnown := false
		for _, sc := range codes {
			member, known := term.MemberOf(url, sc[0], sc[1])
			if member {
				return boolColl(true)
			}
			anyKnown = anyKnown || known
		}
		if !anyKnown {
			return nil // cannot tell offline
		}
		return boolColl(false)
	})
	register("htmlChecks", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		if v == nil || valueless(v) {
			return nil
		}
		s, ok := ev.primitive(v).(String)
		if !ok {
			return boolColl(false)
		}
		return boolColl(xhtml.HTMLChecks(string(s)))
	})
	register("conformsTo", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		url, ok := ev.stringArg(c, 0, focus, fr)
		v := ev.single(c, in)
		if !ok || v == nil {
			return nil
		}
		n, isNode := v.(Node)
		defs := ev.env.Defs
		if defs == nil {
			ev.fail(c, "conformsTo() needs definitions")
		}
		p := defs.Profile(url)
		if p == nil {
			if name, ok := strings.CutPrefix(url, "http://hl7.org/fhir/StructureDefinition/"); ok && defs.Type(name) != nil {
				p = defs.Type(name)
			}
		}
		if p == nil {
			ev.fail(c.args[0], "conformsTo(): unknown profile %s", url)
		}
		if !isNode {
			return boolColl(false)
		}
		if p.Derived != "constraint" {
			return boolColl(ev.nodeIsType(n, "FHIR", p.Name))
		}
		// Profiles: the base type must match; the profile's own rules are
		// the validator's job, so this answers on the type only.
		if !ev.nodeIsType(n, "FHIR", p.Base) {
			return boolColl(false)
		}
		return nil
	})
	for name, msg := range unsupported {
		register(name, 0, -1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
			ev.fail(c, "%s", msg)
			return nil
		})
	}
}

// isNodeValue: hasValue() is about FHIR primitives, whose System values
// come from the document.
func isNodeValue(v Value) bool {
	_, ok := v.(Node)
	return ok
}

// referenceOf reads the reference string of a Reference node, or of a
// string/uri/canonical value.
func (ev *evaluator) referenceOf(v Value) (string, Node) {
	n, ok := v.(Node)
	if !ok {
		if s, ok := v.(String); ok {
			return string(s), ev.focus
		}
		return "", Node{}
	}
	if n.ID == jsontree.None {
		return "", n
	}
	switch n.Tree.Kind(n.ID) {
	case jsontree.Object:
		r := n.Tree.Get(n.ID, "reference")
		if r == jsontree.None || n.Tree.Kind(r) != jsontree.String {
			return "", n
		}
		return n.Tree.Str(r), n
	case jsontree.String:
		return n.Tree.Str(n.ID), n
	}
	return "", n
}

// codings extracts (system, code) pairs from a code, Coding or CodeableConcept.
func (ev *evaluator) codings(v Value) [][2]string {
	n, ok := v.(Node)
	if !ok {
		if s, ok := v.(String); ok {
			return [][2]string{{"", string(s)}}
		}
		return nil
	}
	if n.ID == jsontree.None {
		return nil
	}
	t := n.Tree
	switch t.Kind(n.ID) {
	case jsontree.String:
		return [][2]string{{"", t.Str(n.ID)}}
	case jsontree.Object:
	default:
		return nil
	}
	coding := func(id jsontree.ID) ([2]string, bool) {
		c := t.Get(id, "code")
		if c == jsontree.None || t.Kind(c) != jsontree.String {
			return [2]string{}, false
		}
		s := ""
		if sys := t.Get(id, "system"); sys != jsontree.None {
			s = t.Str(sys)
		}
		return [2]string{s, t.Str(c)}, true
	}
	if cs := t.Get(n.ID, "coding"); cs != jsontree.None && t.Kind(cs) == jsontree.Array {
		var out [][2]string
		for c := t.First(cs); c != jsontree.None; c = t.Next(c) {
			if sc, ok := coding(c); ok {
				out = append(out, sc)
			}
		}
		return out
	}
	if sc, ok := coding(n.ID); ok {
		return [][2]string{sc}
	}
	return nil
}

// GraphResolver answers resolve() through the bundle package's Graph: the
// same resolution the validator's reference checks use, so an invariant is
// evaluated against the target the report names. "#id" finds a contained
// resource of the referring resource (its container's, from inside a
// contained one), "#" the container; other references resolve among the
// entries of the innermost enclosing Bundle by the Bundle rules (a relative
// reference against the base of its entry's fullUrl first). Graphs are
// built once per Bundle (or lone resource) and reused; a GraphResolver is
// for one tree at a time and not safe for concurrent use.
type GraphResolver struct {
	// Types are the concrete resource type names of the FHIR version (they
	// tell RESTful URLs apart); nil means R4's.
	Types map[string]bool

	tree   *jsontree.Tree
	graphs map[jsontree.ID]*bundle.Graph // by root: a Bundle, or a resource outside any Bundle
}

// Use makes the resolver answer for g's root with g (one the caller built
// already, e.g. for its reference checks).
func (r *GraphResolver) Use(g *bundle.Graph) {
	r.reset(g.Tree())
	r.graphs[g.Root()] = g
}

func (r *GraphResolver) reset(t *jsontree.Tree) {
	if r.tree != t || r.graphs == nil {
		r.tree, r.graphs = t, map[jsontree.ID]*bundle.Graph{}
	}
}

func (r *GraphResolver) graph(root jsontree.ID) *bundle.Graph {
	g := r.graphs[root]
	if g == nil {
		if r.Types != nil {
			g = bundle.IndexTypes(r.tree, root, r.Types)
		} else {
			g = bundle.Index(r.tree, root)
		}
		r.graphs[root] = g
	}
	return g
}

// Resolve implements Resolver.
func (r *GraphResolver) Resolve(env *Env, ref string, from Node) (Node, bool) {
	t := from.Tree
	if t == nil {
		t = env.Tree
	}
	start := from.ID
	if start == jsontree.None || start < 0 {
		start = env.Focus
	}
	if t == nil || start < 0 || int(start) >= t.Len() {
		return Node{}, false
	}
	r.reset(t)
	id, ok := r.ResolveID(start, ref)
	if !ok {
		return Node{}, false
	}
	return ResourceNode(env.Defs, t, id), true
}

// ResolveID is Resolve on tree nodes: the resource a reference written at
// node from points to. Call Use or Resolve first to set the tree.
func (r *GraphResolver) ResolveID(from jsontree.ID, ref string) (jsontree.ID, bool) {
	t := r.tree
	if t == nil {
		return jsontree.None, false
	}
	// The innermost Bundle holding from, and the entry resource on the way.
	var root, entryRes jsontree.ID = jsontree.None, jsontree.None
	for n := from; n != jsontree.None; n = t.Parent(n) {
		if isResourceObject(t, n) && t.Str(t.Get(n, "resourceType")) == "Bundle" && n != from {
			root = n
			break
		}
		if isResourceObject(t, n) {
			entryRes = n
		}
	}
	g := (*bundle.Graph)(nil)
	entry := -1
	if root != jsontree.None {
		g = r.graph(root)
		if entryRes != jsontree.None {
			entry = g.EntryOf(containerResource(t, entryRes))
		}
	} else {
		res := enclosingResource(t, from)
		if res == jsontree.None {
			return jsontree.None, false
		}
		g = r.graph(containerResource(t, res))
	}
	res := g.Resolve(entry, ref)
	if res.Target == jsontree.None || res.Target < 0 {
		return jsontree.None, false
	}
	return res.Target, true
}
