package bundle

import (
	"strconv"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// CollectReferences finds every Reference.reference under root without the
// definitions: every object member named "reference" whose value is a
// string (in R4 only Reference has such a member). It walks entries'
// resources, their contained resources and nested elements, but not into a
// nested Bundle, whose references belong to that bundle's own graph.
// Targets are left empty. The validator's walk, which knows the element
// types and target profiles, should be preferred; this serves tools and
// tests.
func CollectReferences(t *jsontree.Tree, root jsontree.ID) []Ref {
	if t == nil || root < 0 || int(root) >= t.Len() || t.Kind(root) != jsontree.Object {
		return nil
	}
	c := collector{t: t}
	rt := t.Text(t.Get(root, "resourceType"))
	if rt != "Bundle" {
		c.resource, c.entry = root, -1
		c.path = append(c.path[:0], orResource(rt)...)
		c.walk(root, 0)
		return c.refs
	}
	entries := t.Get(root, "entry")
	if kind(t, entries) != jsontree.Array {
		return nil
	}
	i := 0
	for e := t.First(entries); e != jsontree.None; e = t.Next(e) {
		if r := t.Get(e, "resource"); r != jsontree.None && t.Kind(r) == jsontree.Object {
			c.resource, c.entry = r, i
			if t.Text(t.Get(r, "resourceType")) != "Bundle" {
				c.path = append(strconv.AppendInt(append(c.path[:0], "Bundle.entry["...), int64(i), 10), "].resource"...)
				c.walk(r, 0)
			}
		}
		i++
	}
	return c.refs
}

type collector struct {
	t        *jsontree.Tree
	refs     []Ref
	resource jsontree.ID
	entry    int
	path     []byte // FHIRPath of the node being walked, grown and cut as the walk goes
}

func (c *collector) walk(n jsontree.ID, depth int) {
	t := c.t
	if depth > jsontree.DefaultMaxDepth {
		return
	}
	switch t.Kind(n) {
	case jsontree.Object:
		if n != c.resource && t.Text(t.Get(n, "resourceType")) == "Bundle" {
			return // a nested Bundle's references belong to its own graph
		}
		for m := t.First(n); m != jsontree.None; m = t.Next(m) {
			key := t.Key(m)
			if key == "reference" && t.Kind(m) == jsontree.String {
				c.refs = append(c.refs, Ref{Node: m, Path: string(c.path), Entry: c.entry, Resource: c.resource})
				continue
			}
			if k := t.Kind(m); k == jsontree.Object || k == jsontree.Array {
				mark := len(c.path)
				c.path = append(append(c.path, '.'), key...)
				c.walk(m, depth+1)
				c.path = c.path[:mark]
			}
		}
	case jsontree.Array:
		i := 0
		for m := t.First(n); m != jsontree.None; m = t.Next(m) {
			if k := t.Kind(m); k == jsontree.Object || k == jsontree.Array {
				mark := len(c.path)
				c.path = append(strconv.AppendInt(append(c.path, '['), int64(i), 10), ']')
				c.walk(m, depth+1)
				c.path = c.path[:mark]
			}
			i++
		}
	}
}
