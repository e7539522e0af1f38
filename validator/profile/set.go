package profile

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/snapshot"
	"github.com/fhirlens/fhirlens/validator/structure"
	"github.com/tidwall/gjson"
)

// Set is the profiles of the loaded guides, compiled on first use. It is
// safe for concurrent use.
type Set struct {
	Defs   *definitions.Set
	Guides []*Guide
	// Problems lists what could not be loaded or resolved (missing
	// dependencies, broken files), one line each, in guide order.
	Problems []string

	entries  map[string]*entry // by canonical URL (the last version loaded)
	versions map[string]*entry // by "url|version"
	all      map[string][]*entry
	urls     []string

	coreOnce sync.Once
	coreKeys map[string]bool // constraint keys of the base definitions

	snapOnce sync.Once
	snap     *snapshot.Guide // generates snapshots of differential-only definitions
}

type entry struct {
	version string
	guide   *Guide
	file    *File
	once    sync.Once
	prof    *Profile
	err     error
}

// coreIDs are the package names that stand for the FHIR core itself.
var coreIDs = map[string]bool{"hl7.fhir.r4.core": true, "hl7.fhir.r3.core": true, "hl7.fhir.core": true,
	"hl7.fhir.r4b.core": true, "hl7.fhir.r5.core": true}

// NewSet indexes the profiles of guides (later guides win on equal URLs).
// defs must already hold the guides' definitions (see AddToDefinitions) so
// that their value sets and code systems are known.
func NewSet(defs *definitions.Set, guides []*Guide) *Set {
	s := &Set{Defs: defs, Guides: guides, entries: map[string]*entry{}, versions: map[string]*entry{}, all: map[string][]*entry{}}
	have := map[string]bool{}
	for _, g := range guides {
		have[g.Name] = true
		have[g.ID()] = true
	}
	reported := map[string]bool{}
	for _, g := range guides {
		for _, p := range g.Problems {
			s.Problems = append(s.Problems, g.ID()+": "+p)
		}
		for _, d := range g.Deps {
			if coreIDs[d.Name] || have[d.Name] || reported[d.Name+"#"+d.Version] {
				continue
			}
			reported[d.Name+"#"+d.Version] = true
			s.Problems = append(s.Problems, fmt.Sprintf("%s: dependency %s#%s is not loaded, so its profiles, extensions and value sets are unknown: load its package too (in the page, drop it with the guides; on the command line, another --ig, or put it in the local package cache ~/.fhir/packages)", g.ID(), d.Name, d.Version))
		}
		for i := range g.Files {
			f := &g.Files[i]
			if f.Kind != "StructureDefinition" || !isConstraint(f.Data) {
				continue
			}
			if _, dup := s.entries[f.URL]; !dup {
				s.urls = append(s.urls, f.URL)
			}
			e := &entry{guide: g, file: f}
			s.entries[f.URL] = e
			if v := gjson.GetBytes(f.Data, "version").String(); v != "" {
				s.versions[f.URL+"|"+v] = e
				e.version = v
			}
			s.all[f.URL] = append(s.all[f.URL], e)
		}
	}
	sort.Strings(s.urls)
	return s
}

// AddToDefinitions adds the guides' StructureDefinitions, ValueSets and
// CodeSystems to defs (for base validation of their extensions and for
// value set expansion). The files already read are handed over as they are:
// the package is not unzipped (or, for a folder, zipped) again.
func AddToDefinitions(defs *definitions.Set, guides []*Guide) error {
	for _, g := range guides {
		res := make([]definitions.Resource, len(g.Files))
		for i, f := range g.Files {
			res[i] = definitions.Resource{Name: f.Name, Kind: f.Kind, Data: f.Data}
		}
		if err := defs.AddResources(g.manifestJSON(), res); err != nil {
			return fmt.Errorf("%s: %w", g.Source, err)
		}
	}
	return nil
}

// ResolveDependencies loads, from the package cache, the dependencies of
// guides that are not among them (transitively). Core packages are never
// loaded: the core is built in. Missing ones are left for NewSet to report.
func ResolveDependencies(guides []*Guide, cache string) []*Guide {
	have := map[string]bool{}
	for _, g := range guides {
		have[g.Name] = true
	}
	out := guides
	for i := 0; i < len(out); i++ {
		for _, d := range out[i].Deps {
			if coreIDs[d.Name] || have[d.Name] || cache == "" {
				continue
			}
			if g, err := LoadCached(cache, d.Name+"#"+d.Version); err == nil {
				have[d.Name] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// URLs lists the canonical URLs of the profiles and extensions, sorted.
func (s *Set) URLs() []string { return s.urls }

// Known reports whether url (with or without |version) is a profile of the set.
func (s *Set) Known(url string) bool {
	if s == nil {
		return false
	}
	u, _, _ := strings.Cut(url, "|")
	return s.entries[u] != nil
}

// Profile returns the compiled profile for a canonical URL ("|version" is
// ignored when the set holds one version); nil, nil when it is unknown, and
// an error when it is known but cannot be used (no snapshot, bad JSON).
func (s *Set) Profile(url string) (*Profile, error) {
	if s == nil {
		return nil, nil
	}
	u, _, _ := strings.Cut(url, "|")
	e := s.versions[url] // the version asked for, when the set has it
	if _, v, ok := strings.Cut(url, "|"); ok && e == nil {
		// "|0.2" matches 0.2.1: a version given to fewer parts.
		for _, x := range s.all[u] {
			if strings.HasPrefix(x.version, v+".") {
				e = x
			}
		}
	}
	if e == nil {
		e = s.entries[u]
	}
	if e == nil {
		return nil, nil
	}
	e.once.Do(func() {
		sd, err := structure.Decode(e.file.Data)
		if err != nil {
			e.err = fmt.Errorf("%s (%s): %v", u, e.file.Name, err)
			return
		}
		if sd.Snapshot == nil || len(sd.Snapshot.Element) == 0 {
			sd, e.err = s.generate(sd)
			if e.err != nil {
				return
			}
		}
		e.prof, e.err = compile(sd, e.guide)
		if e.err == nil {
			s.prepare(e.prof, e.prof.Root)
		}
	})
	return e.prof, e.err
}

// generate makes the snapshot of a differential-only definition with
// package snapshot, over every StructureDefinition of the guides and the
// core definitions.
func (s *Set) generate(sd *structure.StructureDefinition) (*structure.StructureDefinition, error) {
	url := sd.URL
	s.snapOnce.Do(func() {
		var sds []*structure.StructureDefinition
		for _, g := range s.Guides {
			for i := range g.Files {
				f := &g.Files[i]
				if f.Kind != "StructureDefinition" {
					continue
				}
				if sd, err := structure.Decode(f.Data); err == nil {
					sds = append(sds, sd)
				}
			}
		}
		s.snap = snapshot.NewGuide(sds, snapshot.Definitions(s.Defs))
	})
	// This very definition (several versions may share the url); its base
	// and the extensions it names come from the guides and the core.
	els, findings := snapshot.Generate(sd, s.snap.Resolve)
	if len(els) > 0 {
		sd.Snapshot = &structure.Elements{Element: els}
	}
	if sd.Snapshot == nil || len(sd.Snapshot.Element) == 0 {
		var why []string
		for _, f := range findings {
			if f.Severity <= finding.Error {
				why = append(why, f.Message)
			}
		}
		if len(why) > 3 {
			why = append(why[:3], fmt.Sprintf("and %d more", len(why)-3))
		}
		return nil, fmt.Errorf("%s has no snapshot and one could not be generated: %s", url, strings.Join(why, "; "))
	}
	return sd, nil
}

// prepare indexes children, compiles the profile's own invariants, the
// bindings to check and the slice matchers of e and its descendants.
func (s *Set) prepare(p *Profile, e *Elem) {
	e.index()
	s.prepareConstraints(e)
	s.prepareBinding(e)
	for _, c := range e.Children {
		s.prepare(p, c)
	}
	for _, sl := range e.Slices {
		s.prepare(p, sl)
	}
	if len(e.Slices) > 0 {
		if e.Slicing == nil && e.Choice {
			// Type slices of a choice element need no declared slicing.
			e.Slicing = &structure.Slicing{Discriminator: []structure.Discriminator{{Type: "type", Path: "$this"}}, Rules: "open"}
		} else if e.Slicing == nil {
			// Slices without a slicing (a broken profile; found by fuzzing):
			// open, and each value belongs to the slices it conforms to.
			e.Slicing = &structure.Slicing{Rules: "open"}
		}
		for _, sl := range e.Slices {
			sl.disc = s.compileDiscriminators(e, sl)
		}
	}
}

// prepareConstraints keeps the invariants the base definitions do not have.
func (s *Set) prepareConstraints(e *Elem) {
	s.coreOnce.Do(s.collectCoreKeys)
	for _, c := range e.Def.Constraint {
		if c.Expression == "" || s.coreKeys[c.Key] {
			continue
		}
		expr, err := fhirpath.CompileCached(fhirpath.CorrectInvariant(c.Expression))
		if e.baseDef == nil {
			e.baseDef = s.baseElement(e.Path)
		}
		e.constraints = append(e.constraints, constraint{key: c.Key, human: strings.TrimSpace(c.Human), severity: c.Severity, expr: expr, err: err})
	}
}

func (s *Set) collectCoreKeys() {
	s.coreKeys = map[string]bool{}
	var walk func(e *definitions.Element, depth int)
	walk = func(e *definitions.Element, depth int) {
		if e == nil || depth > 64 {
			return
		}
		for _, c := range e.Constraints {
			s.coreKeys[c.Key] = true
		}
		for _, c := range e.Children {
			walk(c, depth+1)
		}
	}
	for _, name := range s.Defs.TypeNames {
		walk(s.Defs.Types[name].Root, 0)
	}
}

// prepareBinding decides whether the element's binding is the profile's own
// (a different value set or a stronger strength than the base), so the base
// walk's check is not repeated.
func (s *Set) prepareBinding(e *Elem) {
	b := e.Def.Binding
	if b == nil || b.ValueSet == "" || (b.Strength != "required" && b.Strength != "extensible") {
		return
	}
	vs, _, _ := strings.Cut(b.ValueSet, "|")
	if base := s.baseElement(e.Path); base != nil && base.Binding != nil && base.Binding.ValueSet == vs &&
		(base.Binding.Strength == b.Strength || base.Binding.Strength == "required") {
		return
	}
	e.bindingVS, e.strength = vs, b.Strength
}

// baseElement finds the base definition of an element path
// ("Patient.name.given"), stepping into data types.
func (s *Set) baseElement(path string) *definitions.Element {
	segs := strings.Split(path, ".")
	t := s.Defs.Type(segs[0])
	if t == nil || t.Root == nil {
		return nil
	}
	cur := t.Root
	for _, seg := range segs[1:] {
		name := strings.TrimSuffix(seg, "[x]")
		next := cur.ChildByName(name)
		if next == nil && len(cur.Children) == 0 && len(cur.Types) == 1 {
			next = s.Defs.Content(cur, cur.Types[0].Code).ChildByName(name)
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// typeTarget is what a type's i-th profile points at: the profile, and the
// element in it — its root, or the element the
// elementdefinition-profile-element extension names (a "library" profile
// whose slices other profiles use).
func (s *Set) typeTarget(tr structure.TypeRef, i int) (*Profile, *Elem) {
	p, err := s.Profile(tr.Profile[i])
	if err != nil || p == nil {
		return nil, nil
	}
	if id := profileElement(tr, i); id != "" {
		if e := p.byID[id]; e != nil {
			return p, e
		}
	}
	return p, p.Root
}

// profileElement reads the elementdefinition-profile-element extension of
// a type's i-th profile ("" when there is none).
func profileElement(tr structure.TypeRef, i int) string {
	for _, m := range tr.Other {
		if m.Key != "_profile" {
			continue
		}
		var list []struct {
			Extension []struct {
				URL         string `json:"url"`
				ValueString string `json:"valueString"`
			} `json:"extension"`
		}
		if json.Unmarshal(m.Value, &list) != nil || i >= len(list) {
			return ""
		}
		for _, x := range list[i].Extension {
			if x.URL == "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element" {
				return x.ValueString
			}
		}
	}
	return ""
}

// ExtensionContext returns the contexts of an extension definition of the
// set, and whether the set holds it.
func (s *Set) ExtensionContext(url string) (*Profile, bool) {
	if !s.Known(url) {
		return nil, false
	}
	p, err := s.Profile(url)
	if err != nil || p == nil || p.Type != "Extension" {
		return nil, false
	}
	return p, true
}

// isConstraint reports whether a StructureDefinition profiles a type: its
// derivation says so, or (derivation left out, as some authors do) it has a
// base definition and is not a logical model, or it "specialises" a type
// into the same type.
func isConstraint(data []byte) bool {
	r := gjson.GetManyBytes(data, "derivation", "baseDefinition", "kind", "type")
	switch r[0].String() {
	case "constraint":
		return true
	case "":
		return r[1].String() != "" && r[2].String() != "logical"
	case "specialization":
		// A "specialization" of a type into the same type is a profile
		// written with the wrong derivation.
		return r[3].String() != "" && strings.HasSuffix(r[1].String(), "/StructureDefinition/"+r[3].String())
	}
	return false
}
