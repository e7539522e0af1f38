package snapshot

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/structure"
)

func stripVersion(url string) string {
	if i := strings.IndexByte(url, '|'); i >= 0 {
		return url[:i]
	}
	return url
}

// Chain returns a resolver that asks each resolver in turn (nil ones are
// skipped) and returns the first definition found.
func Chain(rs ...Resolver) Resolver {
	return func(url string) *structure.StructureDefinition {
		for _, r := range rs {
			if r == nil {
				continue
			}
			if sd := r(url); sd != nil {
				return sd
			}
		}
		return nil
	}
}

// Map returns a resolver over StructureDefinitions already decoded (they are
// returned as they are, with or without snapshot). Later ones with the same
// URL are ignored.
func Map(sds []*structure.StructureDefinition) Resolver {
	m := map[string]*structure.StructureDefinition{}
	for _, sd := range sds {
		if sd != nil && sd.URL != "" && m[sd.URL] == nil {
			m[sd.URL] = sd
		}
	}
	return func(url string) *structure.StructureDefinition { return m[stripVersion(url)] }
}

// Package reads a FHIR package (.tgz, files under package/) and returns a
// resolver over its StructureDefinitions, which are decoded on first use
// (safe for concurrent use). Use it with the full core package
// (hl7.fhir.r4.core-4.0.1.tgz) when it is at hand: its snapshots carry every
// text. Definitions without a snapshot in the package are returned without
// one; wrap the package's definitions in a Guide to generate them.
func Package(r io.Reader) (Resolver, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("package: %w", err)
	}
	defer gz.Close()
	raw := map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("package: %w", err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".json") || !strings.Contains(h.Name, "StructureDefinition") {
			continue
		}
		if h.Size > definitions.MaxPackageFile {
			return nil, fmt.Errorf("package: %s: file too large (%d bytes; a package file may have %d)", h.Name, h.Size, definitions.MaxPackageFile)
		}
		data, err := io.ReadAll(io.LimitReader(tr, definitions.MaxPackageFile))
		if err != nil {
			return nil, fmt.Errorf("package: %s: %w", h.Name, err)
		}
		var head struct {
			ResourceType string `json:"resourceType"`
			URL          string `json:"url"`
		}
		if json.Unmarshal(data, &head) != nil || head.ResourceType != "StructureDefinition" || head.URL == "" {
			continue
		}
		if _, dup := raw[head.URL]; !dup {
			raw[head.URL] = data
		}
	}
	return memo(func(url string) *structure.StructureDefinition {
		data, ok := raw[url]
		if !ok {
			return nil
		}
		sd, err := structure.Decode(data)
		if err != nil {
			return nil
		}
		return sd
	}), nil
}

// memo is a Resolver that calls load once per URL (without |version) and
// keeps its answer, nil included; safe for concurrent use.
func memo(load func(url string) *structure.StructureDefinition) Resolver {
	var mu sync.Mutex
	done := map[string]*structure.StructureDefinition{}
	return func(url string) *structure.StructureDefinition {
		url = stripVersion(url)
		mu.Lock()
		defer mu.Unlock()
		if sd, ok := done[url]; ok {
			return sd
		}
		sd := load(url)
		done[url] = sd
		return sd
	}
}

// Definitions returns a resolver over the compact definitions of package
// definitions (definitions.R4() is embedded in the binary), so profiles can be
// generated with no core package at hand. The StructureDefinitions it makes
// carry what the compact form keeps: paths, ids, cardinality, base, types with
// profiles and target profiles, content references, bindings (strength and
// value set), Extension.url fixed to an extension's URL, constraints (key, severity, human, expression, source),
// isModifier, isSummary, and the url slicing of datatypes' extension elements.
// The slices, slicings and fixed/pattern values of core profiles and
// extensions, which the compact form leaves out, are put back from a small
// table generated from the core package (core_slices_gen.go, by gencore).
// Texts (short, definition, comments), mappings, examples and the
// invariants inside core profiles' slices are not there — fine for
// validation, not for publishing. Results
// are cached (safe for concurrent use).
func Definitions(set *definitions.Set) Resolver {
	return memo(func(url string) *structure.StructureDefinition {
		if t := set.Profile(url); t != nil && t.Root != nil {
			return fromType(set, t)
		}
		return nil
	})
}

const coreBase = "http://hl7.org/fhir/StructureDefinition/"

func fromType(set *definitions.Set, t *definitions.Type) *structure.StructureDefinition {
	sd := &structure.StructureDefinition{ResourceType: "StructureDefinition", URL: t.URL, Name: t.Name,
		Kind: t.Kind, Abstract: t.Abstract, Derivation: t.Derived, Status: "active", FHIRVersion: set.FHIRVersion}
	sd.Type = t.Root.Path
	sd.BaseDefinition = t.BaseURL
	if sd.BaseDefinition == "" && t.Base != "" {
		sd.BaseDefinition = coreBase + t.Base
	}
	var els []*structure.ElementDefinition
	var walk func(e *definitions.Element)
	walk = func(e *definitions.Element) {
		els = append(els, fromElement(set, t, e))
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(t.Root)
	if extra := coreSlices[t.URL]; extra != "" {
		els = addCoreSlices(els, extra)
	}
	sd.Snapshot = &structure.Elements{Element: els}
	return sd
}

// addCoreSlices puts back what the compact form leaves out of a core
// profile (see gencore): slicings, fixed and pattern values on its elements,
// and its slices with their elements, each after its entry's last element.
func addCoreSlices(els []*structure.ElementDefinition, data string) []*structure.ElementDefinition {
	var extra []*structure.ElementDefinition
	if json.Unmarshal([]byte(data), &extra) != nil {
		return els
	}
	for _, x := range extra {
		for i, c := range x.Constraint {
			var full structure.Constraint
			if js, ok := coreConstraints[c.Key]; ok && json.Unmarshal([]byte(js), &full) == nil {
				x.Constraint[i] = full
			}
		}
		if !strings.Contains(x.ID, ":") {
			for _, e := range els {
				if e.ID == x.ID {
					if x.Fixed != nil {
						e.Fixed = x.Fixed
					}
					if x.Pattern != nil {
						e.Pattern = x.Pattern
					}
					if x.Slicing != nil {
						e.Slicing = x.Slicing
					}
				}
			}
			continue
		}
		// the slice's entry ("A.b" for "A.b:s") or the slice-side parent ("A.b:s" for "A.b:s.c")
		anchor := x.ID[:strings.LastIndexByte(x.ID, '.')]
		if x.SliceName != "" {
			anchor = x.ID[:strings.LastIndexByte(x.ID, ':')]
		}
		at := -1
		for i, e := range els {
			if e.ID == anchor || strings.HasPrefix(e.ID, anchor+".") || strings.HasPrefix(e.ID, anchor+":") {
				at = i
			}
		}
		if at < 0 {
			continue
		}
		// base (not in the table) as the unsliced element's
		for _, e := range els {
			if e.Path == x.Path && !strings.Contains(e.ID, ":") {
				if x.Base == nil {
					x.Base = e.Base
				}
				break
			}
		}
		els = append(els, nil)
		copy(els[at+2:], els[at+1:])
		els[at+1] = x
	}
	return els
}

func fromElement(set *definitions.Set, t *definitions.Type, e *definitions.Element) *structure.ElementDefinition {
	min := e.Min
	out := &structure.ElementDefinition{ID: e.Path, Path: e.Path, Min: &min, Max: maxString(e.Max)}
	if e.ContentRef != "" {
		out.ContentReference = "#" + e.ContentRef
	}
	for _, tr := range e.Types {
		out.Type = append(out.Type, structure.TypeRef{Code: tr.Code, Profile: tr.Profiles, TargetProfile: tr.TargetProfiles})
	}
	if e.Binding != nil {
		out.Binding = &structure.Binding{Strength: e.Binding.Strength, ValueSet: e.Binding.ValueSet}
	}
	for _, c := range e.Constraints {
		out.Constraint = append(out.Constraint, structure.Constraint{Key: c.Key, Severity: c.Severity, Human: c.Human,
			Expression: c.Expression, Source: c.Source})
	}
	if e.IsModifier {
		b := true
		out.IsModifier = &b
	}
	if e.IsSummary {
		b := true
		out.IsSummary = &b
	}
	out.Base = baseOf(set, t, e)
	if e.Path == "Extension.url" && t.Derived == "constraint" && t.Root.Path == "Extension" {
		// an extension definition fixes its url (the compact form keeps no
		// fixed values; this one is known)
		js, _ := json.Marshal(t.URL)
		out.Fixed = &structure.Value{Type: "Uri", JSON: js}
	}
	if t.Kind == "complex-type" && strings.HasSuffix(e.Path, ".extension") {
		out.Slicing = &structure.Slicing{Discriminator: []structure.Discriminator{{Type: "value", Path: "url"}},
			Description: "Extensions are always sliced by (at least) url", Rules: "open"}
	}
	return out
}

func maxString(m int) string {
	if m < 0 {
		return "*"
	}
	return itoa(m)
}

// baseOf finds where an element is first defined: the same relative path in
// the nearest ancestor type that has it (Patient.id → Resource.id).
func baseOf(set *definitions.Set, t *definitions.Type, e *definitions.Element) *structure.Base {
	root := t.Root.Path
	rel := strings.TrimPrefix(e.Path, root)
	basePath := e.Path
	min, max := e.Min, e.Max
	if t.Derived == "constraint" {
		// a profile: its elements' base is in the type it constrains
		if bt := set.Type(root); bt != nil {
			if be := findElement(bt.Root, root+rel); be != nil {
				b := baseOf(set, bt, be)
				return b
			}
		}
	} else {
		name := t.Base
		for name != "" && rel != "" {
			bt := set.Type(name)
			if bt == nil || bt.Root == nil {
				break
			}
			be := findElement(bt.Root, bt.Root.Path+rel)
			if be == nil {
				break
			}
			basePath, min, max = be.Path, be.Min, be.Max
			name = bt.Base
		}
	}
	return &structure.Base{Path: basePath, Min: min, Max: maxString(max)}
}

func findElement(root *definitions.Element, path string) *definitions.Element {
	if root.Path == path {
		return root
	}
	if !strings.HasPrefix(path, root.Path+".") {
		return nil
	}
	for _, c := range root.Children {
		if c.Path == path || strings.HasPrefix(path, c.Path+".") {
			return findElement(c, path)
		}
	}
	return nil
}

// Guide generates the snapshots of a guide's StructureDefinitions on demand:
// its Resolve returns a guide definition with its snapshot (the supplied one,
// or one generated from the differential, generating the guide's bases and
// extension definitions it needs first), and falls back to the base resolver
// for everything else. A profile whose base chain comes back to itself is
// reported (RuleCycle) and gets no snapshot.
type Guide struct {
	base  Resolver
	sds   []*structure.StructureDefinition
	byURL map[string]*structure.StructureDefinition
	state map[string]int // 1 generating, 2 done
	// Findings of the generations, per profile URL.
	Findings map[string][]finding.Finding
	mu       sync.Mutex
}

// NewGuide makes a Guide over sds (which it fills in: Generate sets each
// Snapshot it makes) with base resolving everything else (core types, other
// packages).
func NewGuide(sds []*structure.StructureDefinition, base Resolver) *Guide {
	g := &Guide{base: base, sds: sds, byURL: map[string]*structure.StructureDefinition{}, state: map[string]int{},
		Findings: map[string][]finding.Finding{}}
	for _, sd := range sds {
		if sd != nil && sd.URL != "" && g.byURL[sd.URL] == nil {
			g.byURL[sd.URL] = sd
		}
	}
	return g
}

// Resolve is the guide's Resolver.
func (g *Guide) Resolve(url string) *structure.StructureDefinition {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.resolve(url)
}

func (g *Guide) resolve(url string) *structure.StructureDefinition {
	sd := g.byURL[stripVersion(url)]
	if sd == nil {
		if g.base == nil {
			return nil
		}
		return g.base(url)
	}
	if sd.Snapshot != nil && len(sd.Snapshot.Element) > 0 {
		return sd
	}
	switch g.state[sd.URL] {
	case 1:
		g.Findings[sd.URL] = append(g.Findings[sd.URL], finding.Finding{Severity: finding.Error, Code: "processing",
			Rule: RuleCycle, Expression: "StructureDefinition", Resource: -1, Profile: sd.URL,
			Message: fmt.Sprintf("%s: its snapshot is needed to generate itself (base or extension cycle)", sd.URL)})
		return nil
	case 2:
		return nil // generation failed before
	}
	g.state[sd.URL] = 1
	els, fs := Generate(sd, g.resolve)
	g.state[sd.URL] = 2
	g.Findings[sd.URL] = append(g.Findings[sd.URL], fs...)
	if els == nil {
		return nil
	}
	sd.Snapshot = &structure.Elements{Element: els}
	return sd
}

// GenerateAll generates every snapshot the guide lacks, bases first, and
// returns the findings in the guide's order.
func (g *Guide) GenerateAll() []finding.Finding {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, sd := range g.sds {
		if sd != nil && sd.URL != "" {
			g.resolve(sd.URL)
		}
	}
	var out []finding.Finding
	seen := map[string]bool{}
	for _, sd := range g.sds {
		if sd != nil && !seen[sd.URL] {
			seen[sd.URL] = true
			out = append(out, g.Findings[sd.URL]...)
		}
	}
	return out
}
