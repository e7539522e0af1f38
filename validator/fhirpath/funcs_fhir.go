package fhirpath

import (
	"strings"

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
			res = DefaultResolver{}
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

// DefaultResolver resolves references inside the same document: "#id" to
// a contained resource of the referring resource, and other references to
// Bundle entries by fullUrl or by type/id.
type DefaultResolver struct{}

func (DefaultResolver) Resolve(env *Env, ref string, from Node) (Node, bool) {
	t := from.Tree
	if t == nil {
		t = env.Tree
	}
	start := from.ID
	if start == jsontree.None || start < 0 {
		start = env.Focus
	}
	if start < 0 {
		start = t.Root()
	}
	if id, ok := strings.CutPrefix(ref, "#"); ok {
		res := enclosingResource(t, start)
		if res == jsontree.None {
			return Node{}, false
		}
		outer := containerResource(t, res)
		if id == "" {
			return ResourceNode(env.Defs, t, outer), true
		}
		cont := t.Get(outer, "contained")
		if cont == jsontree.None || t.Kind(cont) != jsontree.Array {
			return Node{}, false
		}
		for c := t.First(cont); c != jsontree.None; c = t.Next(c) {
			if cid := t.Get(c, "id"); cid != jsontree.None && t.Str(cid) == id {
				return ResourceNode(env.Defs, t, c), true
			}
		}
		return Node{}, false
	}
	// Find the Bundles enclosing the referring node, innermost first.
	for n := start; n != jsontree.None; n = t.Parent(n) {
		if !isResourceObject(t, n) || t.Str(t.Get(n, "resourceType")) != "Bundle" {
			continue
		}
		if hit, ok := findEntry(env, t, n, ref); ok {
			return hit, true
		}
	}
	return Node{}, false
}

// findEntry looks up a reference among a Bundle's entries: an exact
// fullUrl, or Type/id matching the entry resource (or a fullUrl ending in it).
func findEntry(env *Env, t *jsontree.Tree, bundle jsontree.ID, ref string) (Node, bool) {
	entries := t.Get(bundle, "entry")
	if entries == jsontree.None || t.Kind(entries) != jsontree.Array {
		return Node{}, false
	}
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		ref = ref[:i]
	}
	for e := t.First(entries); e != jsontree.None; e = t.Next(e) {
		res := t.Get(e, "resource")
		if !isResourceObject(t, res) {
			continue
		}
		if fu := t.Get(e, "fullUrl"); fu != jsontree.None {
			u := t.Str(fu)
			if u == ref || (!strings.Contains(ref, ":") && strings.HasSuffix(u, "/"+ref)) {
				return ResourceNode(env.Defs, t, res), true
			}
		}
		if id := t.Get(res, "id"); id != jsontree.None && t.Str(t.Get(res, "resourceType"))+"/"+t.Str(id) == ref {
			return ResourceNode(env.Defs, t, res), true
		}
	}
	return Node{}, false
}
