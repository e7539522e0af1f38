package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/structure"
)

// Difference is one way a generated snapshot element differs from a supplied
// one.
type Difference struct {
	ID string // element id (the supplied one's, or the generated one's for extra elements)
	// Class is "missing", "extra", "order", "path", "min", "max", "type",
	// "fixed", "pattern", "binding", "constraint", "slicing", "sliceName" —
	// or "expansion": an element on one side only that constrains nothing
	// (a datatype's element listed as its type defines it: tools differ in
	// how deep they expand datatypes nothing constrains).
	Class  string
	Want   string // the supplied value
	Got    string // the generated value
	Detail string
}

func (d Difference) String() string {
	return fmt.Sprintf("%s: %s: supplied %s, generated %s", d.ID, d.Class, d.Want, d.Got)
}

// Compare compares a supplied snapshot (want) with a generated one (got)
// element by element, matching elements by id (by path and slice name when a
// supplied element has no id): paths, order, slice names, min/max, types with
// profiles and target profiles, fixed and pattern values, bindings (strength
// and value set, version ignored), constraint keys and slicing. Texts,
// mappings and extensions are not compared.
func Compare(want, got []*structure.ElementDefinition) []Difference {
	return CompareWith(want, got, nil)
}

// CompareWith is Compare with a resolver for the types of the compared
// snapshots: an element listed on one side only also counts as "expansion"
// when it is listed as its parent's type (or type profile) defines it —
// cardinality, types, fixed/pattern values, binding and slicing as there
// (SimpleQuantity's comparator with max 0): such a listing changes nothing.
func CompareWith(want, got []*structure.ElementDefinition, resolve Resolver) []Difference {
	unconstrained := func(list []*structure.ElementDefinition, i int) bool {
		return plain(list[i]) || asTypeDefines(list, i, resolve)
	}
	key := func(e *structure.ElementDefinition) string {
		if e.ID != "" && standardID(e) {
			return normalizeID(e.ID)
		}
		// no id, or one not in the standard form (a tool's defect:
		// "team.reference" for EpisodeOfCare.team.reference): matched by
		// path and slice name
		return e.Path + ":" + e.SliceName
	}
	gotBy := map[string]int{}
	for i, e := range got {
		if e == nil {
			continue
		}
		if _, dup := gotBy[key(e)]; !dup {
			gotBy[key(e)] = i
		}
		if e.ID == "" {
			continue
		}
		// supplied elements without ids are matched by path and slice name
		if _, dup := gotBy[e.Path+":"+e.SliceName]; !dup {
			gotBy[e.Path+":"+e.SliceName] = i
		}
	}
	var out []Difference
	used := make([]bool, len(got))
	last := -1
	for wi, w := range want {
		if w == nil {
			continue
		}
		id := key(w)
		gi, ok := gotBy[id]
		if !ok {
			class := "missing"
			if unconstrained(want, wi) {
				class = "expansion"
			}
			out = append(out, Difference{ID: id, Class: class, Want: w.Path, Got: "-"})
			continue
		}
		used[gi] = true
		if gi < last {
			out = append(out, Difference{ID: id, Class: "order", Want: "after " + got[last].ID, Got: "before it"})
		}
		last = gi
		out = append(out, compareElement(id, w, got[gi])...)
	}
	for i, g := range got {
		if g != nil && !used[i] {
			class := "extra"
			if unconstrained(got, i) {
				class = "expansion"
			}
			out = append(out, Difference{ID: key(g), Class: class, Want: "-", Got: g.Path})
		}
	}
	return out
}

// standardID reports whether an element's id is its path with slice names
// (a renamed choice's either way).
func standardID(e *structure.ElementDefinition) bool {
	last := e.ID[strings.LastIndexByte(e.ID, '.')+1:]
	if _, slice, ok := strings.Cut(last, ":"); ok && slice != e.SliceName && !strings.HasSuffix(e.Path, "."+slice) {
		return false // a slice name the element does not carry
	}
	if stripSlices(e.ID) == e.Path || stripSlices(normalizeID(e.ID)) == e.Path {
		return true
	}
	// "value[x]" in the id of the element whose path says valueAnnotation
	ids, paths := strings.Split(stripSlices(e.ID), "."), strings.Split(e.Path, ".")
	if len(ids) != len(paths) {
		return false
	}
	for i, seg := range ids {
		if seg == paths[i] {
			continue
		}
		stem, ok := strings.CutSuffix(seg, "[x]")
		if !ok || !strings.HasPrefix(paths[i], stem) || len(paths[i]) == len(stem) || paths[i][len(stem)] < 'A' || paths[i][len(stem)] > 'Z' {
			return false
		}
	}
	return true
}

// normalizeID writes a renamed choice's id segment one way: the STU3 tools
// wrote "value[x]:valueQuantity" or "valueQuantity:valueQuantity" for the
// element whose path is valueQuantity; both become "valueQuantity".
func normalizeID(id string) string {
	if !strings.Contains(id, ":") {
		return id
	}
	segs := strings.Split(id, ".")
	for i, s := range segs {
		name, slice, ok := strings.Cut(s, ":")
		if !ok {
			continue
		}
		if slice == name {
			segs[i] = name
			continue
		}
		if stem, ok := strings.CutSuffix(name, "[x]"); ok && strings.HasPrefix(slice, stem) && len(slice) > len(stem) && slice[len(stem)] >= 'A' && slice[len(stem)] <= 'Z' {
			segs[i] = slice
		}
	}
	return strings.Join(segs, ".")
}

// plain reports whether an element constrains nothing its base does not:
// no slice, no fixed or pattern value, no type profile, its base's
// cardinality, no slicing but extensions' usual one, not must-support.
func plain(e *structure.ElementDefinition) bool {
	if e.SliceName != "" || e.Fixed != nil || e.Pattern != nil || e.MustSupport != nil && *e.MustSupport {
		return false
	}
	if e.Base != nil && (minString(e) != itoa(e.Base.Min) || e.Max != e.Base.Max) {
		return false
	}
	for _, t := range e.Type {
		if len(t.Profile) > 0 {
			return false
		}
	}
	if s := e.Slicing; s != nil && !(len(s.Discriminator) == 1 && s.Discriminator[0].Path == "url") {
		return false
	}
	return true
}

// asTypeDefines reports whether list[i] is listed as the type of its parent
// element (the nearest element before it whose id is its id's parent)
// defines it.
func asTypeDefines(list []*structure.ElementDefinition, i int, resolve Resolver) bool {
	e := list[i]
	if resolve == nil || e.ID == "" {
		return false
	}
	dot := strings.LastIndexByte(e.ID, '.')
	if dot < 0 {
		return false
	}
	parentID, name := e.ID[:dot], e.ID[dot+1:]
	if strings.Contains(name, ":") {
		return false // a slice is a constraint
	}
	var parent *structure.ElementDefinition
	for j := i - 1; j >= 0; j-- {
		if list[j] != nil && list[j].ID == parentID {
			parent = list[j]
			break
		}
	}
	if parent == nil || len(parent.Type) != 1 {
		return false
	}
	t := parent.Type[0]
	url := typeURL(t.Code)
	if len(t.Profile) == 1 {
		url = t.Profile[0]
	}
	sd := resolve(url)
	if !usable(sd) || sd.Snapshot.Element[0] == nil {
		return false
	}
	path := sd.Snapshot.Element[0].Path + "." + name
	for _, d := range sd.Snapshot.Element {
		if d == nil || d.Path != path || d.SliceName != "" {
			continue
		}
		for _, x := range compareElement(e.ID, d, e) {
			if x.Class != "path" && x.Class != "constraint" {
				return false
			}
		}
		return true
	}
	return false
}

func compareElement(id string, w, g *structure.ElementDefinition) []Difference {
	var out []Difference
	diff := func(class, a, b string) {
		if a != b {
			out = append(out, Difference{ID: id, Class: class, Want: a, Got: b})
		}
	}
	diff("path", w.Path, g.Path)
	diff("sliceName", w.SliceName, g.SliceName)
	diff("min", minString(w), minString(g))
	diff("max", w.Max, g.Max)
	diff("type", typesString(w.Type), typesString(g.Type))
	diff("fixed", valueString(w.Fixed), valueString(g.Fixed))
	diff("pattern", valueString(w.Pattern), valueString(g.Pattern))
	diff("binding", bindingString(w.Binding), bindingString(g.Binding))
	diff("constraint", constraintKeys(w.Constraint), constraintKeys(g.Constraint))
	diff("slicing", slicingString(w.Slicing), slicingString(g.Slicing))
	return out
}

func minString(e *structure.ElementDefinition) string {
	if e.Min == nil {
		return ""
	}
	return itoa(*e.Min)
}

func typesString(ts []structure.TypeRef) string {
	var parts []string
	for _, t := range ts {
		s := t.Code
		if len(t.Profile) > 0 {
			s += "(" + strings.Join(stripVersions(t.Profile), ",") + ")"
		}
		if len(t.TargetProfile) > 0 {
			s += "->(" + strings.Join(stripVersions(t.TargetProfile), ",") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func stripVersions(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = stripVersion(s)
	}
	return out
}

func valueString(v *structure.Value) string {
	if v == nil {
		return ""
	}
	var x any
	if json.Unmarshal(v.JSON, &x) != nil {
		return v.Type + ":" + string(v.JSON)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(x) // maps are written with sorted keys
	return v.FHIRType() + ":" + strings.TrimSpace(b.String())
}

func bindingString(b *structure.Binding) string {
	if b == nil {
		return ""
	}
	return b.Strength + " " + stripVersion(b.ValueSet)
}

func constraintKeys(cs []structure.Constraint) string {
	keys := make([]string, 0, len(cs))
	for _, c := range cs {
		keys = append(keys, c.Key)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func slicingString(s *structure.Slicing) string {
	if s == nil {
		return ""
	}
	var parts []string
	for _, d := range s.Discriminator {
		parts = append(parts, d.Type+"@"+d.Path)
	}
	ordered := "false"
	if s.Ordered != nil && *s.Ordered {
		ordered = "true"
	}
	return strings.Join(parts, ",") + " " + s.Rules + " ordered=" + ordered
}
