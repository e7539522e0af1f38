package record

import (
	"strings"

	"github.com/tidwall/gjson"
)

// resolver follows references between the input's resources. It is a simple
// local resolver (fullUrl, Type/id, urn:uuid, #contained, conditional
// Type?identifier=system|value); a shared reference graph can replace it.
type resolver struct {
	byFullURL    map[string]*item
	byTypeID     map[string]*item
	byIdentifier map[string]*item // "Type|system|value", built on first use
	items        []*item
	// containedIDs holds the ids of each container's contained resources,
	// built the first time a '#' reference is made from that container (one
	// pass over its contained array instead of one per reference).
	containedIDs map[*item]map[string]struct{}
}

func newResolver(items []*item) *resolver {
	r := &resolver{byFullURL: map[string]*item{}, byTypeID: map[string]*item{}, items: items}
	for _, it := range items {
		if it.fullURL != "" {
			if _, dup := r.byFullURL[it.fullURL]; !dup {
				r.byFullURL[it.fullURL] = it
			}
		}
		if it.id != "" {
			k := it.rtype + "/" + it.id
			if _, dup := r.byTypeID[k]; !dup {
				r.byTypeID[k] = it
			}
		}
	}
	return r
}

// resolve finds the target of a reference made by from. It returns the target
// item, or the id of a contained resource, or why it could not be followed.
func (r *resolver) resolve(from *item, ref string) (target *item, contained string, unresolved string) {
	if ref == "" {
		return nil, "", "no reference (identifier or display only)"
	}
	if strings.HasPrefix(ref, "#") {
		id := ref[1:]
		if id == "" {
			return from, "", "" // "#" points at the containing resource itself
		}
		if _, found := r.containedOf(from)[id]; found {
			return from, id, ""
		}
		return nil, "", "contained resource not found"
	}
	if t, ok := r.byFullURL[ref]; ok {
		return t, "", ""
	}
	if q := strings.IndexByte(ref, '?'); q > 0 {
		if t := r.conditional(ref[:q], ref[q+1:]); t != nil {
			return t, "", ""
		}
		return nil, "", "not in input"
	}
	if i := strings.Index(ref, "/_history/"); i > 0 {
		ref = ref[:i]
		if t, ok := r.byFullURL[ref]; ok {
			return t, "", ""
		}
	}
	if strings.HasPrefix(ref, "urn:") {
		return nil, "", "not in input"
	}
	// A relative reference is relative to the base of the referencing entry's fullUrl.
	if !strings.Contains(ref, "://") && from.fullURL != "" {
		if base, ok := serviceBase(from.fullURL); ok {
			if t, ok := r.byFullURL[base+ref]; ok {
				return t, "", ""
			}
		}
	}
	if typeID, ok := lastTypeID(ref); ok {
		if t, ok := r.byTypeID[typeID]; ok {
			return t, "", ""
		}
	}
	return nil, "", "not in input"
}

// containedOf returns the ids of from's contained resources (top level of
// from, as the '#id' rule says), indexed once per container.
func (r *resolver) containedOf(from *item) map[string]struct{} {
	if ids, ok := r.containedIDs[from]; ok {
		return ids
	}
	if r.containedIDs == nil {
		r.containedIDs = map[*item]map[string]struct{}{}
	}
	ids := map[string]struct{}{}
	from.raw.Get("contained").ForEach(func(_, c gjson.Result) bool {
		ids[c.Get("id").String()] = struct{}{}
		return true
	})
	r.containedIDs[from] = ids
	return ids
}

// serviceBase returns "http://x/fhir/" for "http://x/fhir/Patient/1".
func serviceBase(fullURL string) (string, bool) {
	if !strings.Contains(fullURL, "://") {
		return "", false
	}
	parts := strings.Split(fullURL, "/")
	if len(parts) < 3 {
		return "", false
	}
	return strings.Join(parts[:len(parts)-2], "/") + "/", true
}

// lastTypeID returns "Type/id" from "Type/id" or ".../Type/id".
func lastTypeID(ref string) (string, bool) {
	parts := strings.Split(ref, "/")
	if len(parts) < 2 {
		return "", false
	}
	typ, id := parts[len(parts)-2], parts[len(parts)-1]
	if typ == "" || id == "" || typ[0] < 'A' || typ[0] > 'Z' {
		return "", false
	}
	return typ + "/" + id, true
}

// conditional resolves "Type?identifier=system|value".
func (r *resolver) conditional(typ, query string) *item {
	const prefix = "identifier="
	if !strings.HasPrefix(query, prefix) || strings.Contains(query, "&") {
		return nil
	}
	if r.byIdentifier == nil {
		r.byIdentifier = map[string]*item{}
		for _, it := range r.items {
			it.raw.Get("identifier").ForEach(func(_, id gjson.Result) bool {
				k := it.rtype + "|" + id.Get("system").String() + "|" + id.Get("value").String()
				if _, dup := r.byIdentifier[k]; !dup {
					r.byIdentifier[k] = it
				}
				return true
			})
		}
	}
	sysValue := query[len(prefix):]
	if !strings.Contains(sysValue, "|") {
		sysValue = "|" + sysValue
	}
	return r.byIdentifier[typ+"|"+sysValue]
}
