package bundle

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Kinds of reference, by the form of the reference string.
const (
	KindContained   = "contained"   // "#id": a resource in the container's contained
	KindContainer   = "container"   // "#": the resource that contains this one
	KindRelative    = "relative"    // "Patient/123", "Patient/123/_history/2"
	KindAbsolute    = "absolute"    // "http://server/fhir/Patient/123"
	KindURN         = "urn"         // "urn:uuid:...", "urn:oid:..."
	KindConditional = "conditional" // "Patient?identifier=..." (transactions only)
	KindInvalid     = "invalid"     // none of the forms FHIR defines
)

// Resolution is what one reference string points at.
type Resolution struct {
	Kind string `json:"kind"`
	// Entry is the index of the target entry (for "#id", the entry of the
	// container), or -1 when nothing in the bundle matches.
	Entry int `json:"entry"`
	// Target is the target resource node: the entry's resource, a contained
	// resource, or the container for "#"; -1 when unresolved.
	Target jsontree.ID `json:"target"`
	// Matches is the number of candidates; more than one is ambiguous and
	// Entry is then the first.
	Matches int `json:"matches,omitempty"`
	// Type, ID and Version are read from the reference string ("" for URNs).
	Type    string `json:"type,omitempty"`
	ID      string `json:"id,omitempty"`
	Version string `json:"version,omitempty"`
	// ByTypeID marks a relative reference from an entry without fullUrl,
	// which the Bundle rules give no meaning,
	// resolved by resource type and id as most readers do.
	ByTypeID bool `json:"byTypeId,omitempty"`
	// Apparent is, for a relative reference that does not resolve against
	// the base of its entry's RESTful fullUrl, an entry holding the same type
	// and id under another base (not a match by the rules), or -1.
	Apparent int `json:"apparent"`
	// VersionUnknown marks a version-specific reference resolved to an
	// entry that does not declare meta.versionId.
	VersionUnknown bool `json:"versionUnknown,omitempty"`
	// VersionMissing marks a version-specific reference whose resource is in
	// the bundle, but not at that version.
	VersionMissing bool `json:"versionMissing,omitempty"`
	// Why explains an invalid reference.
	Why string `json:"why,omitempty"`

	cands matchSet // the matching entries, when more than one
}

// Resolve finds what ref, written in entry from (-1: not in an entry),
// points at. Relative references resolve against the base of that entry's
// fullUrl, as the Bundle rules say; from an entry with a URN fullUrl, to the
// URN of the same scheme with the reference's id, as the reference validator
// does; from an entry without fullUrl, by resource type and id (ByTypeID). "#id" looks in the contained resources of the entry's resource.
func (g *Graph) Resolve(from int, ref string) Resolution {
	container := jsontree.None
	if from >= 0 && from < len(g.Entries) {
		container = g.Entries[from].Resource
	} else if !g.isBundle {
		container = g.root
	}
	return g.resolve(from, container, ref)
}

func (g *Graph) resolve(from int, container jsontree.ID, ref string) Resolution {
	r := Resolution{Entry: -1, Target: jsontree.None, Apparent: -1}
	if ref == "" {
		r.Kind, r.Why = KindInvalid, "it is empty"
		return r
	}
	if ref[0] == '#' {
		r.Entry = from
		if ref == "#" {
			r.Kind, r.Target = KindContainer, container
			return r
		}
		r.Kind, r.ID = KindContained, ref[1:]
		r.Target = g.containedByID(container, ref[1:])
		if r.Target == jsontree.None {
			r.Entry = -1
		} else {
			r.Matches = 1
			r.Type = g.tree.Text(g.tree.Get(r.Target, "resourceType"))
		}
		return r
	}
	if i := strings.IndexByte(ref, '#'); i >= 0 {
		ref = ref[:i] // a fragment inside the target: resolve the target
	}
	if sch := scheme(ref); sch != "" {
		r.Kind = KindAbsolute
		url := ref
		if sch == "urn" {
			r.Kind = KindURN
		} else if u, ok := parseREST(ref, g.types); ok {
			r.Type, r.ID, r.Version = u.Type, u.ID, u.Version
			if u.Version != "" {
				url = ref[:len(ref)-len(u.Version)-len("/_history/")]
			}
		}
		g.pick(&r)(g.byFullURL.get(url, r.Version))
		return r
	}
	if q := strings.IndexByte(ref, '?'); q >= 0 {
		r.Kind, r.Type = KindConditional, ref[:q]
		if !g.types[r.Type] {
			r.Kind, r.Why = KindInvalid, "a conditional reference is [type]?[search parameters], and "+quote(r.Type)+" is not a resource type"
		}
		return r
	}
	u, ok := parseREST(ref, g.types)
	if !ok || u.Base != "" {
		r.Kind, r.Why = KindInvalid, "a relative reference must be [type]/[id] or [type]/[id]/_history/[version] with a known resource type and a valid id"
		return r
	}
	r.Kind, r.Type, r.ID, r.Version = KindRelative, u.Type, u.ID, u.Version
	all, atVersion := g.byTypeID.get(typeID{u.Type, u.ID}, u.Version)
	if from >= 0 && from < len(g.Entries) && g.Entries[from].Base != "" {
		if rall, rver := g.byREST.get(restKey{g.Entries[from].Base, u.Type, u.ID}, u.Version); rall.count > 0 {
			g.pick(&r)(rall, rver)
		} else if all.count > 0 {
			r.Apparent = int(all.first)
		}
		return r
	}
	if from >= 0 && from < len(g.Entries) {
		if base := urnBase(g.Entries[from].FullURL); base != "" {
			// The Bundle rules give a relative reference from an entry whose
			// fullUrl is a URN no meaning. The reference validator resolves it
			// as the URN of the same scheme with the reference's id
			// ("Patient/1234" from a urn:uuid: entry is urn:uuid:1234, its
			// type then checked); we follow it, and a resource of that type
			// and id under another fullUrl is no match, as there.
			if uall, uver := g.byFullURL.get(base+u.ID, u.Version); uall.count > 0 {
				g.pick(&r)(uall, uver)
			} else if all.count > 0 {
				r.Apparent = int(all.first)
			}
			return r
		}
	}
	if all.count > 0 {
		r.ByTypeID = true
		g.pick(&r)(all, atVersion)
	}
	return r
}

// pick returns a function choosing among the entries matching a reference
// (all, and those at the reference's version), so that it can take an
// index lookup's two results directly.
func (g *Graph) pick(r *Resolution) func(all, atVersion matchSet) {
	return func(all, atVersion matchSet) {
		if all.count == 0 {
			return
		}
		set := all
		if r.Version != "" {
			switch {
			case atVersion.count > 0:
				set = atVersion
			case all.versioned:
				r.VersionMissing = true
				return
			default:
				r.VersionUnknown = true
			}
		}
		r.Matches = int(set.count)
		if set.count > 1 {
			r.cands = set
		}
		r.Entry = int(set.first)
		r.Target = g.Entries[set.first].Resource
	}
}

// containedByID finds the contained resource with the given id, indexing a
// container's contained list the first time it is asked about.
func (g *Graph) containedByID(container jsontree.ID, id string) jsontree.ID {
	if container == jsontree.None {
		return jsontree.None
	}
	idx, ok := g.contained[container]
	if !ok {
		idx = containedIndex(g.tree, container)
		if g.contained == nil {
			g.contained = make(map[jsontree.ID]map[string]jsontree.ID)
		}
		g.contained[container] = idx
	}
	if n, ok := idx[id]; ok {
		return n
	}
	return jsontree.None
}

func containedIndex(t *jsontree.Tree, container jsontree.ID) map[string]jsontree.ID {
	list := t.Get(container, "contained")
	if list == jsontree.None || t.Kind(list) != jsontree.Array {
		return nil
	}
	idx := make(map[string]jsontree.ID, t.Count(list))
	for c := t.First(list); c != jsontree.None; c = t.Next(c) {
		if id := t.Text(t.Get(c, "id")); id != "" {
			if _, dup := idx[id]; !dup {
				idx[id] = c
			}
		}
	}
	return idx
}

// urnBase is the scheme part of a URN fullUrl up to its last colon
// ("urn:uuid:" for "urn:uuid:1234"), "" for any other fullUrl.
func urnBase(fullURL string) string {
	if !strings.HasPrefix(fullURL, "urn:") {
		return ""
	}
	return fullURL[:strings.LastIndexByte(fullURL, ':')+1]
}
