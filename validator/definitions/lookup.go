package definitions

import (
	"slices"
	"strings"
)

// childSlot is one entry of an element's JSON-name index.
type childSlot struct {
	elem    *Element
	typeIdx int // index into elem.Types for choice names; -1 otherwise
}

// linkType resolves the content references of a type's element tree (child
// indexes are built on first use, see ChoiceType). It is idempotent.
func linkType(t *Type) {
	if t.Root == nil {
		return
	}
	var link func(e *Element)
	link = func(e *Element) {
		if e.ContentRef != "" {
			ref := e.ContentRef
			if strings.Contains(ref, ":") {
				// A reference into a slice ("Provenance.agent:Author"):
				// slices are not loaded, so use the sliced element.
				ref = stripSliceNames(ref)
			}
			e.Ref = findPath(t.Root, ref)
			if e.Ref == nil {
				// Profiles keep the base type's path ("Questionnaire.item")
				// while their root may be named differently: match by the
				// path below the root.
				if i := strings.IndexByte(ref, '.'); i >= 0 {
					e.Ref = findPath(t.Root, t.Root.Path+ref[i:])
				}
			}
		}
		for _, c := range e.Children {
			link(c)
		}
	}
	link(t.Root)
}

// stripSliceNames turns an element id into its path: "a.b:s.c" -> "a.b.c".
func stripSliceNames(id string) string {
	var b strings.Builder
	for seg := range strings.SplitSeq(id, ".") {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		name, _, _ := strings.Cut(seg, ":")
		b.WriteString(name)
	}
	return b.String()
}

// findPath finds the element with the given path below (or at) e.
func findPath(e *Element, path string) *Element {
	for e != nil {
		if e.Path == path {
			return e
		}
		var next *Element
		for _, c := range e.Children {
			if strings.HasPrefix(path, c.Path) && (len(path) == len(c.Path) || path[len(c.Path)] == '.') {
				next = c
				break
			}
		}
		e = next
	}
	return nil
}

func (e *Element) buildChildIndex() { e.childIndex = childIndexOf(e.Children) }

func childIndexOf(children []*Element) map[string]childSlot {
	if len(children) == 0 {
		return nil
	}
	idx := make(map[string]childSlot, len(children)+4)
	// Plain names first, so a profile's explicit "valueQuantity" element wins
	// over the expansion of "value[x]".
	for _, c := range children {
		if !c.Choice {
			if _, dup := idx[c.Name]; !dup {
				idx[c.Name] = childSlot{elem: c, typeIdx: -1}
			}
		}
	}
	for _, c := range children {
		if !c.Choice {
			continue
		}
		for i, tr := range c.Types {
			name := c.Name + upperFirst(tr.Code)
			if _, dup := idx[name]; !dup {
				idx[name] = childSlot{elem: c, typeIdx: i}
			}
		}
	}
	return idx
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// Child returns the child element for a JSON property name, or nil. For a
// choice element the JSON name carries the type ("valueQuantity"); use
// ChoiceType to learn which type was chosen. An element with a content
// reference answers for the referenced element's children. Elements whose
// children come from their data type (e.g. Patient.name: HumanName) have no
// inline children: use Set.Content to step into the type.
func (e *Element) Child(jsonName string) *Element {
	c, _ := e.ChoiceType(jsonName)
	return c
}

// ChoiceType returns the child element for a JSON property name and the type
// code that name selects: for "valueQuantity" under Observation it returns
// Observation.value[x] and "Quantity". For a non-choice child the code is the
// element's only type ("" when it has several or none).
func (e *Element) ChoiceType(jsonName string) (*Element, string) {
	if e == nil {
		return nil, ""
	}
	if e.Ref != nil {
		e = e.Ref
	}
	e.childIndexOnce.Do(e.buildChildIndex)
	slot, ok := e.childIndex[jsonName]
	if !ok {
		return nil, ""
	}
	if slot.typeIdx >= 0 {
		return slot.elem, slot.elem.Types[slot.typeIdx].Code
	}
	if len(slot.elem.Types) == 1 {
		return slot.elem, slot.elem.Types[0].Code
	}
	return slot.elem, ""
}

// ChildByName returns the child with the given definition name, the way
// FHIRPath navigates: "value" finds Observation.value[x]. It follows a
// content reference like Child. It scans the children, which are few.
func (e *Element) ChildByName(name string) *Element {
	if e == nil {
		return nil
	}
	if e.Ref != nil {
		e = e.Ref
	}
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Content returns the element whose Children describe e's content: the
// content-referenced element, e itself when it has inline children, or the
// root of the data type typeCode (e.g. "HumanName") otherwise. It returns nil
// for primitive types without children and unknown types.
func (s *Set) Content(e *Element, typeCode string) *Element {
	if e != nil {
		if e.Ref != nil {
			return e.Ref
		}
		if len(e.Children) > 0 {
			return e
		}
	}
	if t := s.Types[typeCode]; t != nil {
		return t.Root
	}
	return nil
}

// Type returns the base type (resource, data type, primitive) by name, or nil.
func (s *Set) Type(name string) *Type {
	return s.Types[name]
}

// Profile returns a constraint definition (profile, extension) by canonical
// URL; a "|version" suffix is ignored. Base definitions are found by their
// canonical URL too. Read profiles through it rather than from the Profiles
// map: the element trees of the embedded form's profiles are decoded on
// first use, here.
func (s *Set) Profile(url string) *Type {
	url = stripVersion(url)
	if t := s.Profiles[url]; t != nil {
		t.ready()
		return t
	}
	const core = "http://hl7.org/fhir/StructureDefinition/"
	if name, ok := strings.CutPrefix(url, core); ok {
		if t := s.Types[name]; t != nil && t.URL == url {
			return t
		}
	}
	return nil
}

// ValueSet returns a value set by canonical URL ("|version" ignored), or nil.
// Read value sets through it rather than from the ValueSets map: the codes of
// the embedded form's value sets are decoded on first use, here.
func (s *Set) ValueSet(url string) *ValueSet {
	vs := s.ValueSets[url]
	if vs == nil {
		if i := strings.IndexByte(url, '|'); i >= 0 {
			vs = s.ValueSets[url[:i]]
		}
	}
	if vs != nil {
		vs.ready()
	}
	return vs
}

// ready decodes the element tree of a profile of the embedded form on first
// use, and links it. Damaged data leaves the profile without a Root.
func (t *Type) ready() { t.rootOnce.Do(t.decodeRoot) }

func (t *Type) decodeRoot() {
	if t.lazy == nil {
		return
	}
	t.Root = t.lazy.decode()
	t.lazy = nil
	linkType(t)
}

// ready decodes the codes of a value set of the embedded form on first use.
// Damaged data leaves the value set not enumerable.
func (vs *ValueSet) ready() { vs.codesOnce.Do(vs.decodeCodes) }

func (vs *ValueSet) decodeCodes() {
	if vs.lazy == nil {
		return
	}
	codes, ok := vs.lazy.decode(vs.Systems)
	vs.lazy = nil
	if !ok {
		vs.Enumerable, codes = false, nil
	}
	vs.Codes = codes
}

// IsSubtype reports whether typeName is baseName or derives from it
// ("Patient" is a subtype of "DomainResource", "Resource" and itself).
func (s *Set) IsSubtype(typeName, baseName string) bool {
	for range 64 { // bound the walk in case of a cyclic Base chain
		if typeName == baseName {
			return true
		}
		t := s.Types[typeName]
		if t == nil || t.Base == "" || t.Base == typeName {
			return false
		}
		typeName = t.Base
	}
	return false
}

type codeKey struct{ system, code string }

// Contains reports whether the enumerated value set has the code. An empty
// system matches the code in any system (for `code` elements, whose system
// is implied by the binding). Always false when !Enumerable.
func (vs *ValueSet) Contains(system, code string) bool {
	_, ok := vs.Lookup(system, code)
	return ok
}

// Lookup returns the value set's member for the code (see Contains).
func (vs *ValueSet) Lookup(system, code string) (*Code, bool) {
	if vs == nil {
		return nil, false
	}
	vs.lookupOnce.Do(vs.buildLookup)
	var i int32
	var ok bool
	if system == "" {
		i, ok = vs.byCode[code]
	} else {
		i, ok = vs.lookup[codeKey{system, code}]
	}
	if !ok {
		return nil, false
	}
	return &vs.Codes[i], true
}

func (vs *ValueSet) buildLookup() {
	vs.ready()
	vs.lookup = make(map[codeKey]int32, len(vs.Codes))
	vs.byCode = make(map[string]int32, len(vs.Codes))
	for i, c := range vs.Codes {
		k := codeKey{c.System, c.Code}
		if _, dup := vs.lookup[k]; !dup {
			vs.lookup[k] = int32(i)
		}
		if _, dup := vs.byCode[c.Code]; !dup {
			vs.byCode[c.Code] = int32(i)
		}
	}
}

// LookupCode looks a code up in a code system the set knows completely (from
// a loaded package or the embedded form). known is false for code systems
// the set does not have in full (SNOMED CT, LOINC, ...), in which case found
// is meaningless. display is the concept's display when found.
func (s *Set) LookupCode(system, code string) (display string, found, known bool) {
	cs := s.codeSystems[system]
	if cs == nil {
		return "", false, false
	}
	cs.ready()
	if !cs.complete || cs.corrupt {
		return "", false, false
	}
	at := cs.byCode[code]
	if len(at) == 0 {
		return "", false, true
	}
	return cs.concepts[at[0]].display, true, true
}

// CodeSystemURLs lists, sorted, the code systems LookupCode knows completely.
func (s *Set) CodeSystemURLs() []string {
	var urls []string
	for url, cs := range s.codeSystems {
		if cs.complete {
			urls = append(urls, url)
		}
	}
	slices.Sort(urls)
	return urls
}
