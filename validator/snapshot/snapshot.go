// Package snapshot generates the snapshot of a StructureDefinition from its
// differential and its base's snapshot, following the FHIR profiling rules
// (https://hl7.org/fhir/R4/profiling.html, StructureDefinition and
// ElementDefinition pages) and, where those leave room, what the HL7 reference
// tools' generator (ProfileUtilities) produces, so that generated snapshots can
// be compared element by element with published ones.
//
// The base snapshot is read into a tree (elements, their children, and the
// slices of each sliced element with their own children). Each differential
// element is located in that tree — by its id when the id agrees with its
// path, else by its path and the slices named before it — and merged in:
// cardinality, types and profiles, fixed/pattern values, bindings, constraints
// (added to the base's, with source), texts, slicing. A differential element
// that names a new slice adds a slice: a copy of the sliced element as the base
// defines it. One that constrains inside a datatype (Patient.identifier.system)
// first expands the datatype's elements from its snapshot (the type's profile's
// snapshot when the element names one: extensions by profile get Extension.url
// fixed and their value[x]); one that constrains inside a contentReference
// element unrolls the referenced element's children. A renamed choice
// (valueQuantity for value[x]) narrows the choice to that type. The tree is
// then written out in order with ids in the standard form
// (Observation.component:FlowRate.value[x]).
//
// Errors of the differential — a path that is not in the base, a slice that
// was never defined, cardinality or types wider than the base's, a base or type
// that cannot be resolved — are findings naming the profile and the element;
// the element is then left out and generation goes on.
package snapshot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// Resolver returns the StructureDefinition with the canonical URL (optionally
// "|version"), with its snapshot, or nil when it is not known. Generate uses it
// for the base definition, for datatypes it must expand and for the profiles
// named by types (extensions). Resolvers are made by Package, Definitions,
// Chain and Guide.
type Resolver func(canonical string) *structure.StructureDefinition

// Rule ids of the findings this package reports.
var (
	RuleBase = finding.Define(finding.Rule{ID: "snapshot.base", Code: "not-found", Severity: finding.Error,
		Summary: "the base definition of a differential-only profile cannot be found or has no snapshot",
		Source:  "FHIR profiling §profiling.html#snapshot"})
	RulePath = finding.Define(finding.Rule{ID: "snapshot.path", Code: "structure", Severity: finding.Error,
		Summary: "a differential element names a path that is not in the base", Source: "FHIR StructureDefinition §sdf-20"})
	RuleSlice = finding.Define(finding.Rule{ID: "snapshot.slice", Code: "structure", Severity: finding.Error,
		Summary: "a differential element is inside a slice that is not defined, or defines a slice on an element that is not sliced",
		Source:  "FHIR profiling §profiling.html#slicing"})
	RuleCardinality = finding.Define(finding.Rule{ID: "snapshot.cardinality", Code: "structure", Severity: finding.Error,
		Summary: "a differential widens the base's cardinality", Source: "FHIR profiling §profiling.html#cardinality"})
	RuleType = finding.Define(finding.Rule{ID: "snapshot.type", Code: "structure", Severity: finding.Error,
		Summary: "a differential allows a type the base does not allow", Source: "FHIR profiling §profiling.html#types"})
	RuleExpand = finding.Define(finding.Rule{ID: "snapshot.expand", Code: "not-found", Severity: finding.Error,
		Summary: "a differential constrains inside an element whose type cannot be expanded (unknown type or profile, several types)",
		Source:  "FHIR profiling §profiling.html#snapshot"})
	RuleTypeProfile = finding.Define(finding.Rule{ID: "snapshot.type-profile", Code: "not-found", Severity: finding.Warning,
		Summary: "a differential constrains inside an element whose type profile cannot be found; its elements come from the base type, as the HL7 generator does",
		Source:  "HL7 reference implementation ProfileUtilities.getProfileForDataType"})
	RuleCycle = finding.Define(finding.Rule{ID: "snapshot.cycle", Code: "processing", Severity: finding.Error,
		Summary: "profiles derive from each other in a cycle", Source: "fhirlens"})
)

// node is one element of the tree being built.
type node struct {
	name   string // last path segment: "identifier", "value[x]"
	el     *structure.ElementDefinition
	kids   []*node
	slices []*node // for a sliced element: its slices, in order (reslices "a/b" after "a")
	// orig is a copy of the element as the base defines it, kept before the
	// differential first changes it; new slices start from it.
	orig *node
	// expanded: the children are known (from the base snapshot, or expanded
	// from the type or the content reference).
	expanded bool
	// fresh marks a slice created by this differential (and its subtree):
	// a renamed choice in it narrows the choice instead of slicing it.
	fresh bool
	// touched: a differential element is on it or inside it (STU3 style
	// expands those fully).
	touched bool
	// renamed: a choice renamed for one type (STU3 style).
	renamed bool
	// typed: the differential stated the element's types.
	typed bool
	// listed: children listed only as the HL7 tools list a complex
	// extension slice's nested extension element; dropped when the
	// differential constrains that element itself.
	listed bool
	// profiled: the element comes from the snapshot of a profile the
	// type names (an extension's, SimpleQuantity).
	profiled bool
}

func (n *node) clone() *node {
	c := &node{name: n.name, el: cloneElement(n.el), expanded: n.expanded, fresh: n.fresh, profiled: n.profiled}
	for _, k := range n.kids {
		c.kids = append(c.kids, k.clone())
	}
	for _, s := range n.slices {
		c.slices = append(c.slices, s.clone())
	}
	return c
}

// cloneElement copies an element deeply enough that changing the copy's
// fields and lists leaves the original as it was. Values the generator only
// replaces, never changes in place (raw JSON, *Value, *Base, *Binding, the
// pointers to min and flags), are shared.
func cloneElement(e *structure.ElementDefinition) *structure.ElementDefinition {
	c := *e
	c.Representation = cloneSlice(e.Representation)
	c.Alias = cloneSlice(e.Alias)
	c.Condition = cloneSlice(e.Condition)
	c.Constraint = cloneSlice(e.Constraint)
	c.Other = cloneSlice(e.Other)
	if e.Type != nil {
		c.Type = make([]structure.TypeRef, len(e.Type))
		for i, t := range e.Type {
			t.Profile = cloneSlice(t.Profile)
			t.TargetProfile = cloneSlice(t.TargetProfile)
			t.Aggregation = cloneSlice(t.Aggregation)
			t.Other = cloneSlice(t.Other)
			c.Type[i] = t
		}
	}
	if e.Slicing != nil {
		sl := *e.Slicing
		sl.Discriminator = cloneSlice(sl.Discriminator)
		c.Slicing = &sl
	}
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// generator holds one generation's state.
type generator struct {
	sd       *structure.StructureDefinition
	resolve  Resolver
	findings []finding.Finding
	baseList []*structure.ElementDefinition
	root     *node
	pristine *node // the base tree, unchanged, for content references (built on first use)
	diffIdx  int
	// stu3: STU3 definitions, whose published snapshots (Forge, the STU3
	// tools) keep renamed choice paths (Observation.valueQuantity), expand
	// every complex element the differential touches down to its leaves,
	// and repeat the type's own invariants (ele-1) on each element.
	stu3 bool
}

// Generate returns the snapshot of sd made from its differential and the
// snapshot of its base (sd.BaseDefinition, found with resolve), and the
// findings about the differential. sd is not changed. When the base cannot be
// found the snapshot is nil. A StructureDefinition without a baseDefinition
// (a base type, a logical model) gets its differential as snapshot.
func Generate(sd *structure.StructureDefinition, resolve Resolver) ([]*structure.ElementDefinition, []finding.Finding) {
	g := &generator{sd: sd, resolve: resolve}
	var diff []*structure.ElementDefinition
	if sd.Differential != nil {
		diff = sd.Differential.Element
	}
	if sd.BaseDefinition == "" {
		out := make([]*structure.ElementDefinition, 0, len(diff))
		for _, e := range diff {
			if e != nil {
				out = append(out, cloneElement(e))
			}
		}
		return out, nil
	}
	var base *structure.StructureDefinition
	if resolve != nil {
		base = resolve(sd.BaseDefinition)
	}
	if base == nil || base.Snapshot == nil || len(base.Snapshot.Element) == 0 {
		g.report(RuleBase, -1, "", fmt.Sprintf("%s: base definition %s not found or without snapshot; no snapshot generated", g.name(), sd.BaseDefinition))
		return nil, g.findings
	}
	g.baseList = base.Snapshot.Element
	// the base's version decides (some STU3 profiles say 1.0.0 or nothing)
	g.stu3 = strings.HasPrefix(base.FHIRVersion, "3.") || base.FHIRVersion == "" && strings.HasPrefix(sd.FHIRVersion, "3.")
	g.root = buildTree(base.Snapshot.Element)
	if g.root == nil {
		g.report(RuleBase, -1, "", fmt.Sprintf("%s: the snapshot of base %s has no root element", g.name(), sd.BaseDefinition))
		return nil, g.findings
	}
	ctx := map[string]string{}
	for i, d := range diff {
		if d == nil {
			continue
		}
		g.diffIdx = i
		g.apply(d, g.segments(d, ctx))
	}
	if g.stu3 {
		for _, k := range g.root.kids {
			g.stu3Finish(k, []string{g.root.name}, g.root.touched)
			if k.name == "modifierExtension" && k.el.Slicing == nil {
				k.el.Slicing = urlSlicing()
			}
		}
		g.typeInvariants(g.root.el, g.root.el.Type)
	}
	var out []*structure.ElementDefinition
	g.root.write(nil, "", "", &out)
	return out, g.findings
}

func (g *generator) name() string {
	if g.sd.Name != "" {
		return g.sd.Name
	}
	return g.sd.URL
}

func (g *generator) report(rule string, idx int, elem, msg string) {
	r, _ := finding.Lookup(rule)
	expr := "StructureDefinition"
	if idx >= 0 {
		expr = fmt.Sprintf("StructureDefinition.differential.element[%d]", idx)
	}
	_ = elem
	g.findings = append(g.findings, finding.Finding{Severity: r.Severity, Code: r.Code, Rule: rule,
		Expression: expr, Message: msg, Resource: -1, Profile: g.sd.URL})
}

// buildTree reads a snapshot into a tree. Elements that do not fit (no
// parent) are dropped.
func buildTree(list []*structure.ElementDefinition) *node {
	if len(list) == 0 || list[0] == nil {
		return nil
	}
	root := &node{name: list[0].Path, el: cloneElement(list[0]), expanded: true}
	stack := []*node{root}
	paths := []string{root.name}
	for _, e := range list[1:] {
		if e == nil {
			continue
		}
		p := e.Path
		dot := strings.LastIndexByte(p, '.')
		if dot < 0 {
			continue
		}
		parent := p[:dot]
		for len(stack) > 0 && paths[len(paths)-1] != parent && paths[len(paths)-1] != p {
			stack, paths = stack[:len(stack)-1], paths[:len(paths)-1]
		}
		if len(stack) == 0 {
			break
		}
		n := &node{name: p[dot+1:], el: cloneElement(e), expanded: true}
		top := stack[len(stack)-1]
		if paths[len(paths)-1] == p {
			// a slice after the entry's children or after a sibling slice
			entry := sliceEntry(stack, paths, p)
			if entry == nil || e.SliceName == "" {
				continue
			}
			entry.slices = append(entry.slices, n)
			stack[len(stack)-1] = n
			continue
		}
		if e.SliceName != "" && len(top.kids) > 0 && top.kids[len(top.kids)-1].name == n.name {
			entry := top.kids[len(top.kids)-1]
			entry.slices = append(entry.slices, n)
		} else {
			top.kids = append(top.kids, n)
		}
		stack = append(stack, n)
		paths = append(paths, p)
	}
	// elements without children in the snapshot are not expanded yet
	root.markLeaves()
	return root
}

func (n *node) markLeaves() {
	if len(n.kids) == 0 {
		n.expanded = false
	}
	for _, k := range n.kids {
		k.markLeaves()
	}
	for _, s := range n.slices {
		s.markLeaves()
	}
}

// sliceEntry finds the entry (the unsliced element) of a slice at path p
// whose previous sibling, a slice or the entry, is on top of the stack.
func sliceEntry(stack []*node, paths []string, p string) *node {
	if len(stack) < 2 {
		return nil
	}
	parent := stack[len(stack)-2]
	name := p[strings.LastIndexByte(p, '.')+1:]
	for i := len(parent.kids) - 1; i >= 0; i-- {
		if parent.kids[i].name == name {
			return parent.kids[i]
		}
	}
	return nil
}

// write appends the subtree to out with paths and ids in the standard form.
func (n *node) write(parent *node, parentPath, parentID string, out *[]*structure.ElementDefinition) {
	e := n.el
	if parent == nil {
		e.Path, e.ID = n.name, n.name
	} else {
		e.Path = parentPath + "." + n.name
		e.ID = parentID + "." + n.name
		if e.SliceName != "" {
			e.ID += ":" + e.SliceName
		}
	}
	*out = append(*out, e)
	id := e.ID
	for _, k := range n.kids {
		k.write(n, e.Path, id, out)
	}
	for _, s := range n.slices {
		s.writeSlice(parentPath, parentID, out)
	}
}

func (n *node) writeSlice(parentPath, parentID string, out *[]*structure.ElementDefinition) {
	e := n.el
	e.Path = parentPath + "." + n.name
	e.ID = parentID + "." + n.name + ":" + e.SliceName
	*out = append(*out, e)
	for _, k := range n.kids {
		k.write(n, e.Path, e.ID, out)
	}
	for _, s := range n.slices {
		s.writeSlice(parentPath, parentID, out)
	}
}

// segment is one step of a differential element's location.
type segment struct {
	name  string // as written: "identifier", "valueQuantity", "value[x]"
	slice string // slice name at this step, "" for none
}

// segments locates a differential element: from its id when the id agrees
// with the path, else from the path and the slices named before it (ctx:
// path → slice name currently in effect).
func (g *generator) segments(d *structure.ElementDefinition, ctx map[string]string) []segment {
	parts := strings.Split(d.Path, ".")
	// keep the path context current
	for k := range ctx {
		if k == d.Path || strings.HasPrefix(k, d.Path+".") {
			delete(ctx, k)
		}
	}
	if d.SliceName != "" {
		ctx[d.Path] = d.SliceName
	}
	if segs := idSegments(d.ID, parts); segs != nil {
		if d.SliceName != "" && segs[len(segs)-1].slice != d.SliceName {
			segs[len(segs)-1].slice = d.SliceName
		}
		// the id is the context: later id-less elements follow it
		prefix := parts[0]
		for i := 1; i < len(segs); i++ {
			prefix += "." + parts[i]
			if segs[i].slice != "" {
				ctx[prefix] = segs[i].slice
			}
		}
		return segs
	}
	segs := make([]segment, len(parts))
	prefix := ""
	for i, p := range parts {
		if i > 0 {
			prefix += "."
		}
		prefix += p
		segs[i] = segment{name: p}
		if i < len(parts)-1 {
			segs[i].slice = ctx[prefix]
		}
	}
	segs[len(segs)-1].slice = d.SliceName
	return segs
}

// idSegments splits an element id into segments when it matches the path
// segment by segment ("Observation.value[x]:valueQuantity" for
// "Observation.value[x]"), else nil.
func idSegments(id string, parts []string) []segment {
	if id == "" {
		return nil
	}
	segs := make([]segment, 0, len(parts))
	rest := id
	for i, p := range parts {
		if !strings.HasPrefix(rest, p) {
			return nil
		}
		rest = rest[len(p):]
		s := segment{name: p}
		if strings.HasPrefix(rest, ":") {
			// the slice name runs to the next "." that starts the next part
			end := len(rest)
			if i+1 < len(parts) {
				end = strings.Index(rest, "."+parts[i+1])
				for end >= 0 && !sliceEnds(rest[end+1+len(parts[i+1]):], parts[i+2:]) {
					next := strings.Index(rest[end+1:], "."+parts[i+1])
					if next < 0 {
						end = -1
						break
					}
					end += 1 + next
				}
				if end < 0 {
					return nil
				}
			}
			s.slice = rest[1:end]
			rest = rest[end:]
		}
		if i+1 < len(parts) {
			if !strings.HasPrefix(rest, ".") {
				return nil
			}
			rest = rest[1:]
		} else if rest != "" {
			return nil
		}
		segs = append(segs, s)
	}
	return segs
}

// sliceEnds reports whether what follows a path part can be the rest of an id.
func sliceEnds(rest string, parts []string) bool {
	if len(parts) == 0 {
		return rest == "" || rest[0] == ':'
	}
	return rest == "" || rest[0] == ':' || rest[0] == '.'
}

// apply merges one differential element into the tree.
func (g *generator) apply(d *structure.ElementDefinition, segs []segment) {
	where := d.ID
	if where == "" {
		where = d.Path
	} else if d.Path != "" && stripSlices(d.ID) != d.Path {
		where += " (path " + d.Path + ")"
	}
	if segs[0].name != g.root.name {
		g.report(RulePath, g.diffIdx, where, fmt.Sprintf("%s: differential element %s is not in base %s (root %s)", g.name(), where, g.sd.BaseDefinition, g.root.name))
		return
	}
	cur := g.root
	if len(segs) == 1 {
		cur.touched = true
	}
	for i := 1; i < len(segs); i++ {
		last := i == len(segs)-1
		if !g.expand(cur, where) {
			return
		}
		seg := segs[i]
		child, typ := findChild(cur, seg.name)
		if child == nil {
			g.report(RulePath, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: no element %q in %s of base %s", g.name(), where, seg.name, pathOf(segs[:i]), g.sd.BaseDefinition))
			return
		}
		if g.stu3 && seg.slice != "" && seg.slice == seg.name && typ == "" && findSlice(child, seg.slice) == nil {
			// Forge's "valueQuantity:valueQuantity" on an element already renamed
			seg.slice = ""
		}
		if typ != "" && g.stu3 {
			// STU3: the renamed choice replaces the choice element
			if !g.renameChoice(child, typ, seg.name, where) {
				return
			}
			if seg.slice == seg.name {
				// Forge's "valueQuantity:valueQuantity": the element itself
				seg.slice = ""
				if last && d.SliceName != "" {
					child.el.SliceName = d.SliceName
				}
			}
		} else if typ != "" {
			// renamed choice: valueQuantity for value[x]
			child = g.narrowChoice(child, typ, seg.name, child.fresh, seg.slice == "", where)
			if child == nil {
				return
			}
		}
		if seg.slice != "" {
			s := findSlice(child, seg.slice)
			if s == nil {
				if !last {
					g.report(RuleSlice, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: slice %q of %s is not defined", g.name(), where, seg.slice, pathOf(segs[:i+1])))
					return
				}
				s = g.newSlice(child, seg.slice, d, where)
				if s == nil {
					return
				}
			}
			child = s
		}
		cur = child
		cur.touched = true
	}
	g.merge(cur, d, where)
}

// renameChoice narrows a choice element to one type and gives it the
// renamed name (STU3 style).
func (g *generator) renameChoice(n *node, suffix, renamed string, where string) bool {
	var keep []structure.TypeRef
	for _, t := range n.el.Type {
		if typeMatchesSuffix(t.Code, suffix) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		g.report(RuleType, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: type %s is not one of the types of %s", g.name(), where, suffix, n.name))
		return false
	}
	g.keepOrig(n)
	n.el.Type = keep
	n.name = renamed
	n.renamed = true
	return true
}

// stu3Finish gives an STU3 tree the shape the STU3 tools publish: every
// complex element the differential touched expanded to its leaves (not
// extensions, not a type inside itself), and each element carrying its
// type's invariants.
func (g *generator) stu3Finish(n *node, outer []string, deep bool) {
	deep = deep || n.touched
	code := singleCode(n.el.Type)
	if deep && code != "" && !n.expanded && len(n.kids) == 0 && isComplex(code) && !slices.Contains(outer, code) &&
		!(code == "Identifier" && len(outer) > 0 && outer[len(outer)-1] == "Reference" && !n.touched) {
		g.expandQuiet(n)
	}
	inner := outer
	if code != "" {
		inner = append(append([]string(nil), outer...), code)
	}
	for _, k := range n.kids {
		g.stu3Finish(k, inner, deep)
	}
	for _, sl := range n.slices {
		g.stu3Finish(sl, outer, deep)
	}
	// An element copied from a profile's snapshot that carries invariants
	// keeps them as that profile's generation gave them (an extension's
	// valueReference keeps ele-1, not Reference's ref-1); one that carries
	// none (SimpleQuantity's, from the core) gets its type's, as any other.
	if !n.profiled || len(n.el.Constraint) == 0 {
		first := n.el.Type
		if n.orig != nil {
			first = n.orig.el.Type
		}
		g.typeInvariants(n.el, first)
	}
	if n.name == "extension" && n.el.SliceName == "" && n.el.Slicing == nil {
		n.el.Slicing = urlSlicing()
	}
}

func urlSlicing() *structure.Slicing {
	f := false
	return &structure.Slicing{Discriminator: []structure.Discriminator{{Type: "value", Path: "url"}}, Ordered: &f, Rules: "open"}
}

// expandQuiet expands without reporting (the STU3 full expansion is
// cosmetic: a type that cannot be found is left unexpanded).
func (g *generator) expandQuiet(n *node) {
	saved := len(g.findings)
	g.expand(n, "")
	g.findings = g.findings[:saved]
}

func singleCode(ts []structure.TypeRef) string {
	code := ""
	for _, t := range ts {
		if code != "" && t.Code != code {
			return ""
		}
		code = t.Code
	}
	return code
}

// isComplex reports whether a type code names a complex datatype that the
// STU3 tools expand (not primitives, extensions, resources, backbones).
func isComplex(code string) bool {
	if code == "" || code[0] < 'A' || code[0] > 'Z' {
		return false
	}
	switch code {
	case "Extension", "Resource", "DomainResource", "BackboneElement", "Element", "Narrative", "Meta":
		return false
	}
	return true
}

// typeInvariants adds the invariants of the root of the element's first
// type as its base defines it (ele-1, ext-1, qty-3 ...) that it does not
// carry yet — what the STU3 tools (Forge) did, even when the differential
// narrowed or renamed the choice.
func (g *generator) typeInvariants(e *structure.ElementDefinition, baseTypes []structure.TypeRef) {
	if len(baseTypes) == 0 || baseTypes[0].Code == "" || g.resolve == nil {
		return
	}
	t := baseTypes[0]
	url := typeURL(t.Code)
	if len(t.Profile) == 1 {
		url = t.Profile[0]
	}
	sd := g.resolve(url)
	if sd == nil {
		sd = g.resolve(typeURL(t.Code))
	}
	// the type's root and those of the types it derives from (STU3's
	// Duration root lacks Quantity's ele-1, which the STU3 tools listed)
	for depth := 0; depth < 8 && usable(sd) && sd.Snapshot.Element[0] != nil; depth++ {
		addMissingConstraints(e, sd.Snapshot.Element[0].Constraint)
		if sd.BaseDefinition == "" {
			break
		}
		sd = g.resolve(sd.BaseDefinition)
	}
}

// addMissingConstraints appends to e the constraints of cs whose key it
// does not carry yet.
func addMissingConstraints(e *structure.ElementDefinition, cs []structure.Constraint) {
	for _, c := range cs {
		if !slices.ContainsFunc(e.Constraint, func(x structure.Constraint) bool { return x.Key == c.Key }) {
			e.Constraint = append(e.Constraint, c)
		}
	}
}

// stripSlices removes the ":slice" parts of an element id.
func stripSlices(id string) string {
	if !strings.Contains(id, ":") {
		return id
	}
	parts := strings.Split(id, ".")
	for i, p := range parts {
		if j := strings.IndexByte(p, ':'); j >= 0 {
			parts[i] = p[:j]
		}
	}
	return strings.Join(parts, ".")
}

func pathOf(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
		if s.slice != "" {
			b.WriteString(":" + s.slice)
		}
	}
	return b.String()
}

// findChild returns the child named name, or the choice child name is a
// renaming of (value[x] for valueQuantity) with the type ("Quantity").
func findChild(n *node, name string) (*node, string) {
	for _, k := range n.kids {
		if k.name == name {
			return k, ""
		}
	}
	for _, k := range n.kids {
		stem, ok := strings.CutSuffix(k.name, "[x]")
		if !ok || !strings.HasPrefix(name, stem) || len(name) == len(stem) {
			continue
		}
		suffix := name[len(stem):]
		if suffix[0] < 'A' || suffix[0] > 'Z' {
			continue
		}
		return k, suffix
	}
	return nil, ""
}

func findSlice(n *node, name string) *node {
	for _, s := range n.slices {
		if s.el.SliceName == name {
			return s
		}
	}
	return nil
}

// typeMatchesSuffix reports whether a type code is the one a choice suffix
// names ("Quantity", "String" for string, "Reference").
func typeMatchesSuffix(code, suffix string) bool {
	return code == suffix || code == structure.TypeFromSuffix(suffix) || strings.EqualFold(code, suffix)
}

// narrowChoice handles a renamed choice: in a slice this differential created
// it narrows the choice to the type; elsewhere, like the HL7 tools, it makes
// (or finds) the type slice value[x]:valueQuantity, narrowing the choice
// element itself when the type is its only one... A base that already has
// the type slice is used as is.
func (g *generator) narrowChoice(child *node, suffix, renamed string, fresh, wantSlice bool, where string) *node {
	var keep []structure.TypeRef
	for _, t := range child.el.Type {
		if typeMatchesSuffix(t.Code, suffix) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		g.report(RuleType, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: type %s is not one of the types of %s", g.name(), where, suffix, child.name))
		return nil
	}
	if s := findSlice(child, renamed); s != nil {
		return s
	}
	g.keepOrig(child)
	if fresh || !wantSlice {
		child.el.Type = keep
		return child
	}
	// the HL7 tools make a type slice of the choice
	child.el.Type = keep
	if child.el.Slicing == nil {
		f := false
		child.el.Slicing = &structure.Slicing{Discriminator: []structure.Discriminator{{Type: "type", Path: "$this"}}, Ordered: &f, Rules: "closed"}
	}
	s := child.orig.clone()
	s.orig = nil
	s.slices = nil
	s.el.Slicing = nil
	s.el.SliceName = renamed
	s.el.Type = append([]structure.TypeRef(nil), keep...)
	s.fresh = true
	child.slices = append(child.slices, s)
	return s
}

// keepOrig saves a copy of the element as the base defines it, before the
// differential changes it.
func (g *generator) keepOrig(n *node) {
	if n.orig == nil {
		n.orig = n.clone()
	}
}

// newSlice adds a slice to a sliced element.
func (g *generator) newSlice(entry *node, name string, d *structure.ElementDefinition, where string) *node {
	if entry.el.Slicing == nil && d.Slicing == nil {
		if isExtension(entry) {
			f := false
			entry.el.Slicing = &structure.Slicing{Discriminator: []structure.Discriminator{{Type: "value", Path: "url"}}, Ordered: &f, Rules: "open"}
		} else if len(entry.slices) == 0 && !strings.Contains(name, "/") {
			g.report(RuleSlice, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: slice %q of %s, which has no slicing", g.name(), where, name, entry.name))
		}
	}
	var base *node
	parentName := ""
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		// a reslice: it starts from the slice it reslices
		parentName = name[:i]
		if p := findSlice(entry, parentName); p != nil {
			g.keepOrig(p)
			base = p.orig
		} else {
			g.report(RuleSlice, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: reslice %q of undefined slice %q", g.name(), where, name, parentName))
			return nil
		}
	} else {
		g.keepOrig(entry)
		base = entry.orig
	}
	s := base.clone()
	s.orig = nil
	s.slices = nil
	s.el.Slicing = nil
	s.el.SliceName = name
	s.fresh = true
	markFresh(s, true)
	if parentName == "" {
		entry.slices = append(entry.slices, s)
		return s
	}
	at := len(entry.slices)
	for i, o := range entry.slices {
		if o.el.SliceName == parentName || strings.HasPrefix(o.el.SliceName, parentName+"/") {
			at = i + 1
		}
	}
	entry.slices = append(entry.slices, nil)
	copy(entry.slices[at+1:], entry.slices[at:])
	entry.slices[at] = s
	return s
}

func isExtension(n *node) bool {
	if n.name == "extension" || n.name == "modifierExtension" {
		return true
	}
	return len(n.el.Type) == 1 && n.el.Type[0].Code == "Extension"
}

// expand makes sure n's children are in the tree: from the content reference
// or the type's snapshot.
func (g *generator) expand(n *node, where string) bool {
	if n.expanded || len(n.kids) > 0 {
		n.expanded = true
		return true
	}
	if ref := n.el.ContentReference; ref != "" {
		if g.pristine == nil {
			g.pristine = buildTree(g.baseList)
		}
		target := findByRef(g.pristine, ref[strings.IndexByte(ref, '#')+1:])
		if target == nil {
			g.report(RuleExpand, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: content reference %s of %s not found in the base", g.name(), where, ref, n.name))
			return false
		}
		for _, k := range target.kids {
			n.kids = append(n.kids, k.clone())
		}
		n.el.ContentReference = ""
		n.el.Type = append([]structure.TypeRef(nil), target.el.Type...)
		n.expanded = true
		return true
	}
	codes := map[string]bool{}
	var first structure.TypeRef
	for _, t := range n.el.Type {
		if !codes[t.Code] {
			if len(codes) == 0 {
				first = t
			}
			codes[t.Code] = true
		}
	}
	if len(codes) > 1 && allDatatypes(n.el.Type) {
		// inside a choice of several datatypes only what they share (id,
		// extension) can be constrained: Element's elements
		codes = map[string]bool{"Element": true}
		first = structure.TypeRef{Code: "Element"}
	}
	if len(codes) != 1 {
		g.report(RuleExpand, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: cannot constrain inside %s, which has %d types", g.name(), where, n.name, len(n.el.Type)))
		return false
	}
	var src *structure.StructureDefinition
	url := ""
	if len(first.Profile) == 1 {
		url = first.Profile[0]
	} else {
		url = typeURL(first.Code)
	}
	if g.resolve != nil {
		src = g.resolve(url)
		if !usable(src) && len(first.Profile) == 1 && first.Code != "" {
			// The HL7 generator (ProfileUtilities.getProfileForDataType)
			// falls back to the type's own definition when the profile a
			// type names cannot be found: the children come from the base
			// type and the differential applies to them.
			if alt := g.resolve(typeURL(first.Code)); usable(alt) {
				g.report(RuleTypeProfile, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: the profile %s of %s is not available; its elements are taken from the type %s, so what that profile says inside them is missing from the snapshot", g.name(), where, url, n.name, first.Code))
				src = alt
			}
		}
	}
	if !usable(src) {
		g.report(RuleExpand, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: the definition %s of type %s of %s is not available", g.name(), where, url, first.Code, n.name))
		return false
	}
	t := buildTree(src.Snapshot.Element)
	if t == nil {
		return false
	}
	n.kids = t.kids
	markFresh(n, false)
	if src.Derivation == "constraint" {
		markProfiled(n)
	}
	n.expanded = true
	if first.Code == "Extension" && len(first.Profile) == 0 && n.el.SliceName != "" && n.name == "extension" && g.root.name == "Extension" && n.typed {
		// the HL7 tools also list the elements of the nested extension
		// element of a complex extension's slice whose type the
		// differential states, unless it constrains that element
		// (US Core's race lists them, the core's proficiency not)
		for _, k := range n.kids {
			if k.name == "extension" && !k.expanded && len(k.kids) == 0 {
				k.kids = cloneKids(t.kids)
				k.expanded = true
				k.listed = true
			}
		}
	}
	return true
}

// usable reports whether sd can serve as a source of elements.
func usable(sd *structure.StructureDefinition) bool {
	return sd != nil && sd.Snapshot != nil && len(sd.Snapshot.Element) > 0
}

func cloneKids(ks []*node) []*node {
	out := make([]*node, len(ks))
	for i, k := range ks {
		out[i] = k.clone()
	}
	return out
}

// allDatatypes reports whether every type is a FHIR datatype (a primitive or
// complex type, not a resource or a reference to one).
func allDatatypes(ts []structure.TypeRef) bool {
	for _, t := range ts {
		if t.Code == "" || t.Code == "Resource" || t.Code == "BackboneElement" || strings.Contains(t.Code, "/") {
			return false
		}
	}
	return true
}

func markProfiled(n *node) {
	for _, k := range n.kids {
		k.profiled = true
		markProfiled(k)
	}
	for _, sl := range n.slices {
		sl.profiled = true
		markProfiled(sl)
	}
}

func markFresh(n *node, fresh bool) {
	for _, k := range n.kids {
		k.fresh = fresh
		markFresh(k, fresh)
	}
}

// typeURL is the canonical of a FHIR type's definition.
func typeURL(code string) string {
	if strings.Contains(code, "/") {
		return code
	}
	return "http://hl7.org/fhir/StructureDefinition/" + code
}

// findByRef finds the element a content reference ("Questionnaire.item" or an
// id) names in the base tree.
func findByRef(root *node, ref string) *node {
	parts := strings.Split(ref, ".")
	if len(parts) == 0 || parts[0] != root.name {
		return nil
	}
	cur := root
	for _, p := range parts[1:] {
		name, slice, _ := strings.Cut(p, ":")
		c, _ := findChild(cur, name)
		if c == nil {
			return nil
		}
		if slice != "" {
			c = findSlice(c, slice)
			if c == nil {
				return nil
			}
		}
		cur = c
	}
	return cur
}

// merge applies the differential element d to the tree element n.
func (g *generator) merge(n *node, d *structure.ElementDefinition, where string) {
	if n.listed {
		n.kids, n.expanded, n.listed = nil, false, false
	}
	g.keepOrig(n)
	e := n.el
	if g.stu3 && e.SliceName == "" && d.SliceName != "" && d.SliceName == n.name {
		// a renamed choice the STU3 tools named as its own slice
		// (valueBoolean:valueBoolean), on an element already renamed
		// where it comes from (an extension's snapshot)
		e.SliceName = d.SliceName
	}
	// cardinality
	if d.Min != nil {
		if *d.Min < e.MinOr(0) && e.SliceName == "" && d.SliceName == "" {
			g.report(RuleCardinality, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: min %d is less than the base's %d", g.name(), where, *d.Min, e.MinOr(0)))
		}
		m := *d.Min
		e.Min = &m
	}
	if d.Max != "" {
		if bm, dm := e.MaxInt(-1), d.MaxInt(-2); dm == -2 {
			g.report(RuleCardinality, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: max %q is not a number or *", g.name(), where, d.Max))
		} else if bm >= 0 && (dm < 0 || dm > bm) {
			g.report(RuleCardinality, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: max %s is more than the base's %s", g.name(), where, d.Max, e.Max))
		}
		e.Max = d.Max
	}
	if d.SliceIsConstraining != nil {
		e.SliceIsConstraining = d.SliceIsConstraining
	}
	// texts
	setStr(&e.Label, d.Label)
	setStr(&e.Short, d.Short)
	setStr(&e.Definition, d.Definition)
	setStr(&e.Comment, d.Comment)
	setStr(&e.Requirements, d.Requirements)
	setStr(&e.MeaningWhenMissing, d.MeaningWhenMissing)
	setStr(&e.OrderMeaning, d.OrderMeaning)
	setStr(&e.IsModifierReason, d.IsModifierReason)
	for _, a := range d.Alias {
		if !slices.Contains(e.Alias, a) {
			e.Alias = append(e.Alias, a)
		}
	}
	if len(d.Code) > 0 {
		e.Code = d.Code
	}
	if len(d.Representation) > 0 {
		e.Representation = d.Representation
	}
	// types
	if len(d.Type) > 0 {
		n.typed = true
		g.mergeTypes(e, d, where)
		g.profileConstraints(e, d, where)
		if g.stu3 {
			g.profileCardinality(e, d)
		}
	}
	// values
	if d.DefaultValue != nil {
		e.DefaultValue = d.DefaultValue
	}
	if d.Fixed != nil {
		e.Fixed = d.Fixed
	}
	if d.Pattern != nil {
		e.Pattern = d.Pattern
	}
	if len(d.Example) > 0 {
		e.Example = d.Example
	}
	if d.MinValue != nil {
		e.MinValue = d.MinValue
	}
	if d.MaxValue != nil {
		e.MaxValue = d.MaxValue
	}
	if d.MaxLength != nil {
		e.MaxLength = d.MaxLength
	}
	for _, c := range d.Condition {
		if !slices.Contains(e.Condition, c) {
			e.Condition = append(e.Condition, c)
		}
	}
	for _, c := range d.Constraint {
		if c.Source == "" {
			c.Source = g.sd.URL
		}
		replaced := false
		for i := range e.Constraint {
			if e.Constraint[i].Key == c.Key {
				e.Constraint[i] = c
				replaced = true
			}
		}
		if !replaced {
			e.Constraint = append(e.Constraint, c)
		}
	}
	if d.MustSupport != nil {
		e.MustSupport = d.MustSupport
	}
	if d.IsModifier != nil {
		e.IsModifier = d.IsModifier
	}
	if d.IsSummary != nil {
		e.IsSummary = d.IsSummary
	}
	if d.Binding != nil && (g.stu3 || bindable(e.Type)) {
		// (the STU3 tools kept a binding wherever the differential put it)
		b := *d.Binding
		if e.Binding != nil {
			if b.ValueSet == "" {
				b.ValueSet = e.Binding.ValueSet
			}
			if b.Description == "" {
				b.Description = e.Binding.Description
			}
			if b.Strength == "" {
				b.Strength = e.Binding.Strength
			}
		}
		e.Binding = &b
	}
	if d.Slicing != nil {
		if e.Slicing == nil {
			s := *d.Slicing
			e.Slicing = &s
		} else {
			s := *e.Slicing
			if len(d.Slicing.Discriminator) > 0 {
				s.Discriminator = d.Slicing.Discriminator
			}
			setStr(&s.Description, d.Slicing.Description)
			if d.Slicing.Ordered != nil {
				s.Ordered = d.Slicing.Ordered
			}
			setStr(&s.Rules, d.Slicing.Rules)
			e.Slicing = &s
		}
	}
	if len(d.Mapping) > 0 {
		e.Mapping = mergeMappings(e.Mapping, d.Mapping)
	}
	for _, m := range d.Other {
		replaced := false
		for i := range e.Other {
			if e.Other[i].Key == m.Key {
				e.Other[i] = m
				replaced = true
			}
		}
		if !replaced {
			e.Other = append(e.Other, m)
		}
	}
}

// mergeTypes replaces the element's types with the differential's after
// checking each is allowed by the base.
func (g *generator) mergeTypes(e *structure.ElementDefinition, d *structure.ElementDefinition, where string) {
	for _, t := range d.Type {
		if len(e.Type) == 0 {
			break
		}
		ok := false
		for _, b := range e.Type {
			if b.Code == t.Code || b.Code == "*" || (b.Code == "Resource" || b.Code == "DomainResource") && t.Code != "" && t.Code[0] >= 'A' && t.Code[0] <= 'Z' ||
				strings.HasPrefix(b.Code, "http://hl7.org/fhirpath/System.") && t.Code != "" && t.Code[0] >= 'a' && t.Code[0] <= 'z' {
				// (a System type, as R4 gives id and Extension.url, constrained by the FHIR primitive it stands for)
				ok = true
				break
			}
		}
		if !ok {
			g.report(RuleType, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: type %s is not allowed by the base (%s)", g.name(), where, t.Code, typeCodes(e.Type)))
		}
	}
	out := make([]structure.TypeRef, len(d.Type))
	for i, t := range d.Type {
		out[i] = t
		if len(t.Other) == 0 {
			// keep the base's type extensions (fhir-type) when the code is the same
			for _, b := range e.Type {
				if b.Code == t.Code && len(b.Other) > 0 {
					out[i].Other = b.Other
					break
				}
			}
		}
	}
	e.Type = out
}

// profileConstraints adds to e the constraints of the root element of the
// profile the differential's one type names (qty-3 for a Quantity profile),
// as the HL7 tools do.
func (g *generator) profileConstraints(e, d *structure.ElementDefinition, where string) {
	if len(d.Type) != 1 || len(d.Type[0].Profile) != 1 || g.resolve == nil {
		return
	}
	p := g.resolve(d.Type[0].Profile[0])
	if !usable(p) {
		g.report(RuleTypeProfile, g.diffIdx, where, fmt.Sprintf("%s: differential element %s: the profile %s is not available; what its root says of the element (cardinality, invariants) is missing from the snapshot", g.name(), where, d.Type[0].Profile[0]))
	}
	if p == nil || p.Kind == "resource" || p.Snapshot == nil || len(p.Snapshot.Element) == 0 || p.Snapshot.Element[0] == nil {
		return // a resource profile's invariants apply to the resource, not to the element holding it
	}
	addMissingConstraints(e, p.Snapshot.Element[0].Constraint)
}

// profileCardinality narrows an element's cardinality to the root's of the
// one profile its type names (an extension defined 0..1 or 1..1) where the
// differential does not state it, as the STU3 tools did.
func (g *generator) profileCardinality(e, d *structure.ElementDefinition) {
	if len(d.Type) != 1 || len(d.Type[0].Profile) != 1 || g.resolve == nil {
		return
	}
	p := g.resolve(d.Type[0].Profile[0])
	if !usable(p) || p.Snapshot.Element[0] == nil {
		return
	}
	root := p.Snapshot.Element[0]
	if d.Max == "" {
		pm := root.MaxInt(-1)
		if em := e.MaxInt(-1); pm >= 0 && (em < 0 || pm < em) {
			e.Max = root.Max
		}
	}
	if d.Min == nil && root.Min != nil && *root.Min > e.MinOr(0) {
		m := *root.Min
		e.Min = &m
	}
}

// bindable reports whether a binding can apply to an element of these types
// (none said counts as bindable). The HL7 tools drop bindings on others
// (an extension slice with a binding).
func bindable(ts []structure.TypeRef) bool {
	if len(ts) == 0 {
		return true
	}
	for _, t := range ts {
		switch t.Code {
		case "code", "Coding", "CodeableConcept", "Quantity", "string", "uri", "CodeableReference", "canonical":
			return true
		}
	}
	return false
}

func typeCodes(ts []structure.TypeRef) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Code)
	}
	return strings.Join(s, ", ")
}

func setStr(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// mergeMappings appends the differential's mappings to the base's (both JSON
// arrays), leaving out exact duplicates.
func mergeMappings(base, diff json.RawMessage) json.RawMessage {
	var a, b []json.RawMessage
	if json.Unmarshal(base, &a) != nil {
		return diff
	}
	if json.Unmarshal(diff, &b) != nil {
		return base
	}
	seen := map[string]bool{}
	for _, m := range a {
		seen[string(m)] = true
	}
	for _, m := range b {
		if !seen[string(m)] {
			a = append(a, m)
		}
	}
	out, err := json.Marshal(a)
	if err != nil {
		return base
	}
	return out
}

// itoa is strconv.Itoa, named for the messages.
var itoa = strconv.Itoa
