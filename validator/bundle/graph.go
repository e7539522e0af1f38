package bundle

import (
	"sort"
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
	// laterTypeID marks (bit per entry) the entries whose type and id an
	// earlier entry has: the only ones that can be duplicates.
	laterTypeID []uint64
	types       map[string]bool // concrete resource type names of the FHIR version

	edges     []edge
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
	var nURL, nTypeID int
	rests := make([]restKey, 0, 16)
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
			rests = append(rests, restKey{u.Base, u.Type, u.ID})
		}
		if en.FullURL != "" {
			nURL++
		}
		if en.Type != "" && en.ID != "" {
			nTypeID++
		}
		g.Entries = append(g.Entries, en)
	}
	// The indexes are sized by what they will hold (sizing each by the
	// entry count made a 1M-entry bundle without fullUrls allocate ~230 MB
	// of empty map).
	g.byFullURL = newVersionedIndex(nURL, n, func(i int32) string { return g.Entries[i].FullURL })
	g.byREST = newVersionedIndex[restKey](len(rests), n, nil)
	g.byTypeID = newVersionedIndex(nTypeID, n, func(i int32) typeID { return typeID{g.Entries[i].Type, g.Entries[i].ID} })
	for i := range g.Entries {
		en := &g.Entries[i]
		if en.Base != "" {
			g.byREST.add(rests[0], int32(i), en.Version)
			rests = rests[1:]
		}
		if en.FullURL != "" {
			g.byFullURL.add(en.FullURL, int32(i), en.Version)
		}
		if en.Type != "" && en.ID != "" {
			if first := g.byTypeID.add(typeID{en.Type, en.ID}, int32(i), en.Version); first != int32(i) {
				if g.laterTypeID == nil {
					g.laterTypeID = make([]uint64, (n+63)/64)
				}
				g.laterTypeID[i/64] |= 1 << (i % 64)
			}
		}
	}
	return g
}

// Tree is the parsed document the graph indexes.
func (g *Graph) Tree() *jsontree.Tree { return g.tree }

// Root is the Bundle node (or the lone resource) the graph was built from.
func (g *Graph) Root() jsontree.ID { return g.root }

// EntryOf is the index of the entry whose resource is node resource, or -1.
func (g *Graph) EntryOf(resource jsontree.ID) int {
	// Entries are in document order, so the one that can hold the node is
	// the last starting before it (no map of every resource node).
	i := sort.Search(len(g.Entries), func(i int) bool { return g.Entries[i].Node >= resource }) - 1
	if i >= 0 && g.Entries[i].Resource == resource {
		return i
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
