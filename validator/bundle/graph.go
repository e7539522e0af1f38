package bundle

import (
	"strconv"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Entry is one Bundle.entry as the index sees it. Strings are views of the
// input bytes.
type Entry struct {
	Index    int         `json:"index"`
	Node     jsontree.ID `json:"node"`                 // the entry object
	FullURL  string      `json:"fullUrl,omitempty"`    // as written
	Resource jsontree.ID `json:"resource"`             // the resource object, or -1
	Type     string      `json:"type,omitempty"`       // resourceType
	ID       string      `json:"id,omitempty"`         // resource id
	Version  string      `json:"version,omitempty"`    // meta.versionId
	Base     string      `json:"base,omitempty"`       // base of a RESTful fullUrl ("http://x/fhir/"), for relative references
	Method   string      `json:"method,omitempty"`     // request.method
	Request  string      `json:"requestUrl,omitempty"` // request.url
}

// Graph is the index of one bundle and, once CheckReferences ran, its
// resolved references. Build it with Index. It is not safe for concurrent
// use (lookups build small indexes lazily); give each goroutine its own.
type Graph struct {
	tree     *jsontree.Tree
	root     jsontree.ID // the Bundle (or lone resource) object
	isBundle bool
	// Path is the FHIRPath of the root, the prefix of every finding's path:
	// "Bundle" by default; set it for a bundle nested in another resource.
	Path    string  `json:"path"`
	Type    string  `json:"type"` // Bundle.type; "" when the root is not a Bundle
	Entries []Entry `json:"entries"`

	byFullURL versionedIndex[string]  // fullUrl as written -> entries
	byREST    versionedIndex[restKey] // (base, type, id) of RESTful fullUrls -> entries
	byTypeID  versionedIndex[typeID]  // (type, id) of every resource -> entries
	byNode    map[jsontree.ID]int32
	types     map[string]bool // concrete resource type names of the FHIR version

	edges     []Edge
	contained map[jsontree.ID]map[string]jsontree.ID // container resource -> contained id -> node
}

type restKey struct{ base, typ, id string }
type typeID struct{ typ, id string }

// Index reads the bundle at node root in one pass over its entries. A root
// that is not a Bundle gives a graph without entries, which still resolves
// "#id" references inside it.
func Index(tree *jsontree.Tree, root jsontree.ID) *Graph {
	return IndexTypes(tree, root, r4ResourceTypes)
}

// IndexTypes is Index for another FHIR version: types are its concrete
// resource type names, which tell RESTful URLs (…/Patient/123) apart.
func IndexTypes(tree *jsontree.Tree, root jsontree.ID, types map[string]bool) *Graph {
	g := &Graph{tree: tree, root: root, Path: "Bundle", types: types}
	if tree == nil || root < 0 || int(root) >= tree.Len() || tree.Kind(root) != jsontree.Object {
		g.root = jsontree.None
		return g
	}
	if rt := tree.Text(tree.Get(root, "resourceType")); rt != "Bundle" {
		g.Path = orResource(rt)
		return g
	}
	g.isBundle = true
	g.Type = tree.Text(tree.Get(root, "type"))
	entries := tree.Get(root, "entry")
	if entries == jsontree.None || tree.Kind(entries) != jsontree.Array {
		return g
	}
	n := tree.Count(entries)
	g.Entries = make([]Entry, 0, n)
	g.byFullURL = newVersionedIndex[string](n)
	g.byREST = newVersionedIndex[restKey](n)
	g.byTypeID = newVersionedIndex[typeID](n)
	g.byNode = make(map[jsontree.ID]int32, n)
	for e := tree.First(entries); e != jsontree.None; e = tree.Next(e) {
		i := int32(len(g.Entries))
		en := Entry{Index: int(i), Node: e, Resource: jsontree.None}
		if tree.Kind(e) == jsontree.Object {
			en.FullURL = tree.Text(tree.Get(e, "fullUrl"))
			if r := tree.Get(e, "resource"); r != jsontree.None && tree.Kind(r) == jsontree.Object {
				en.Resource = r
				en.Type = tree.Text(tree.Get(r, "resourceType"))
				en.ID = tree.Text(tree.Get(r, "id"))
				en.Version = tree.Text(tree.Get(tree.Get(r, "meta"), "versionId"))
			}
			if req := tree.Get(e, "request"); req != jsontree.None {
				en.Method = tree.Text(tree.Get(req, "method"))
				en.Request = tree.Text(tree.Get(req, "url"))
			}
		}
		if u, ok := parseREST(en.FullURL, g.types); ok && u.Base != "" && u.Version == "" {
			en.Base = u.Base
			g.byREST.add(restKey{u.Base, u.Type, u.ID}, i, en.Version)
		}
		if en.FullURL != "" {
			g.byFullURL.add(en.FullURL, i, en.Version)
		}
		if en.Type != "" && en.ID != "" {
			g.byTypeID.add(typeID{en.Type, en.ID}, i, en.Version)
		}
		if en.Resource != jsontree.None {
			g.byNode[en.Resource] = i
		}
		g.Entries = append(g.Entries, en)
	}
	return g
}

// Tree is the parsed document the graph indexes.
func (g *Graph) Tree() *jsontree.Tree { return g.tree }

// Root is the Bundle node (or the lone resource) the graph was built from.
func (g *Graph) Root() jsontree.ID { return g.root }

// EntryOf is the index of the entry whose resource is node resource, or -1.
func (g *Graph) EntryOf(resource jsontree.ID) int {
	if i, ok := g.byNode[resource]; ok {
		return int(i)
	}
	return -1
}

// entryPath is the FHIRPath of entry i: Bundle.entry[i].
func (g *Graph) entryPath(i int) string { return g.Path + ".entry[" + strconv.Itoa(i) + "]" }

// kind is the JSON kind of n, Invalid for the absent node.
func kind(t *jsontree.Tree, n jsontree.ID) jsontree.Kind {
	if n < 0 || int(n) >= t.Len() {
		return jsontree.Invalid
	}
	return t.Kind(n)
}

// orResource is a resource's type name for paths, "Resource" when unknown.
func orResource(rt string) string {
	if rt == "" {
		return "Resource"
	}
	return rt
}
