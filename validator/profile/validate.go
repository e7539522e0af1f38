package profile

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Rules of profile validation.
var (
	RuleUnknown    = finding.Define(finding.Rule{ID: "profile.unknown", Code: "not-found", Severity: finding.Warning, Summary: "a claimed or requested profile is not known, so it was not checked", Source: "fhirlens (reference validator: Validation_VAL_Profile_Unknown)"})
	RuleUnusable   = finding.Define(finding.Rule{ID: "profile.unusable", Code: "processing", Severity: finding.Warning, Summary: "a profile is known but cannot be used (no snapshot, broken definition)", Source: "fhirlens"})
	RuleWrongType  = finding.Define(finding.Rule{ID: "profile.wrong-type", Code: "structure", Severity: finding.Error, Summary: "a resource claims a profile of another resource type", Source: "FHIR §profiling"})
	RuleMin        = finding.Define(finding.Rule{ID: "profile.cardinality.min", Code: "required", Severity: finding.Error, Summary: "an element has fewer values than the profile requires", Source: "FHIR §profiling (ElementDefinition.min)"})
	RuleMax        = finding.Define(finding.Rule{ID: "profile.cardinality.max", Code: "structure", Severity: finding.Error, Summary: "an element has more values than the profile allows", Source: "FHIR §profiling (ElementDefinition.max)"})
	RuleType       = finding.Define(finding.Rule{ID: "profile.type", Code: "structure", Severity: finding.Error, Summary: "a value's type is not one the profile allows", Source: "FHIR §profiling (ElementDefinition.type)"})
	RuleFixed      = finding.Define(finding.Rule{ID: "profile.fixed", Code: "value", Severity: finding.Error, Summary: "a value differs from the profile's fixed value", Source: "FHIR §profiling (ElementDefinition.fixed[x])"})
	RulePattern    = finding.Define(finding.Rule{ID: "profile.pattern", Code: "value", Severity: finding.Error, Summary: "a value does not match the profile's pattern", Source: "FHIR §profiling (ElementDefinition.pattern[x])"})
	RuleRange      = finding.Define(finding.Rule{ID: "profile.range", Code: "value", Severity: finding.Error, Summary: "a value is outside the profile's minValue/maxValue", Source: "FHIR §profiling (ElementDefinition.minValue[x], maxValue[x])"})
	RuleMaxLength  = finding.Define(finding.Rule{ID: "profile.max-length", Code: "value", Severity: finding.Error, Summary: "a string is longer than the profile's maxLength", Source: "FHIR §profiling (ElementDefinition.maxLength)"})
	RuleRequired   = finding.Define(finding.Rule{ID: "profile.binding.required", Code: "code-invalid", Severity: finding.Error, Summary: "a code is not in the value set of a required binding of the profile", Source: "FHIR §terminologies (required)"})
	RuleExtensible = finding.Define(finding.Rule{ID: "profile.binding.extensible", Code: "code-invalid", Severity: finding.Warning, Summary: "no code is from the value set of an extensible binding of the profile", Source: "FHIR §terminologies (extensible)"})
	RuleInvariant  = finding.Define(finding.Rule{ID: "profile.invariant", Code: "invariant", Severity: finding.Error, Summary: "an invariant the profile adds is not met", Source: "FHIR §profiling (ElementDefinition.constraint)"})
	RuleInvError   = finding.Define(finding.Rule{ID: "profile.invariant-error", Code: "processing", Severity: finding.Warning, Summary: "an invariant of the profile could not be evaluated", Source: "fhirlens"})
	RuleSliceMin   = finding.Define(finding.Rule{ID: "profile.slice.min", Code: "required", Severity: finding.Error, Summary: "a slice has fewer values than the profile requires", Source: "FHIR §profiling (slicing)"})
	RuleSliceMax   = finding.Define(finding.Rule{ID: "profile.slice.max", Code: "structure", Severity: finding.Error, Summary: "a slice has more values than the profile allows", Source: "FHIR §profiling (slicing)"})
	RuleClosed     = finding.Define(finding.Rule{ID: "profile.slice.closed", Code: "structure", Severity: finding.Error, Summary: "a value matches no slice of a closed slicing", Source: "FHIR §profiling (slicing.rules)"})
	RuleAmbiguous  = finding.Define(finding.Rule{ID: "profile.slice.ambiguous", Code: "structure", Severity: finding.Error, Summary: "a value matches more than one slice", Source: "FHIR §profiling (slicing)"})
	RuleOrder      = finding.Define(finding.Rule{ID: "profile.slice.order", Code: "structure", Severity: finding.Error, Summary: "values of an ordered slicing are not in slice order", Source: "FHIR §profiling (slicing.ordered)"})
	RuleContext    = finding.Define(finding.Rule{ID: "profile.extension.context", Code: "structure", Severity: finding.Error, Summary: "an extension is used where its definition does not allow it", Source: "FHIR §extensibility (StructureDefinition.context)"})
	RuleTarget     = finding.Define(finding.Rule{ID: "profile.reference.target", Code: "structure", Severity: finding.Error, Summary: "a reference points to a resource the profile does not allow", Source: "FHIR §profiling (targetProfile)"})
)

const maxDepth = 48

// Options say how to report and what the validation can see.
type Options struct {
	Ctx  context.Context
	Tree *jsontree.Tree
	// Emit receives each finding, located at node n (its key when atKey);
	// Expression is the full FHIRPath location.
	Emit func(n jsontree.ID, atKey bool, f finding.Finding)
	// Resolve finds the resource a reference points to (for resolve() in
	// discriminators and targetProfile); nil resolves nothing.
	Resolve func(from jsontree.ID, reference string) (jsontree.ID, bool)
	// Root binds %rootResource for invariants (the containing resource).
	Root jsontree.ID
	// SkipInvariants turns off the profile's FHIRPath invariants.
	SkipInvariants bool
	// Memo, shared by the calls of one document, remembers which reference
	// targets conform to which profiles; nil makes one per call.
	Memo *Memo
}

// Memo remembers conformance of resources to profiles within one document.
type Memo struct{ conforms map[checkKey]bool }

// run is one validation of a resource against one profile.
type run struct {
	s    *Set
	o    *Options
	t    *jsontree.Tree
	prof *Profile
	path []byte

	resource jsontree.ID
	env      *fhirpath.Env
	quiet    bool // count errors instead of reporting (slice matching)
	checking map[checkKey]bool
	errs     int
	depth    int
}

// Validate checks the resource at node against profile p; path is the
// resource's FHIRPath location ("Bundle.entry[2].resource" or "Patient").
func (s *Set) Validate(o *Options, node jsontree.ID, path string, p *Profile) {
	if o.Ctx == nil {
		o.Ctx = context.Background()
	}
	if o.Memo == nil {
		o.Memo = &Memo{}
	}
	if o.Memo.conforms == nil {
		o.Memo.conforms = map[checkKey]bool{}
	}
	r := &run{s: s, o: o, t: o.Tree, prof: p, path: append(make([]byte, 0, 128), path...), resource: node}
	r.env = &fhirpath.Env{Defs: s.Defs, Tree: o.Tree}
	if o.Resolve == nil {
		env, res := r.env, &fhirpath.GraphResolver{}
		o.Resolve = func(from jsontree.ID, ref string) (jsontree.ID, bool) {
			n, ok := res.Resolve(env, ref, fhirpath.Node{Tree: o.Tree, ID: from, Ext: jsontree.None})
			return n.ID, ok && n.ID != jsontree.None
		}
	}
	r.value(item{node: node, index: -1, typ: resourceType(r.t, node)}, p.Root)
}

// report emits a finding at the current path, or counts it when quiet.
func (r *run) report(n jsontree.ID, atKey bool, sev finding.Severity, code, rule, msg string) {
	if r.quiet {
		if sev <= finding.Error {
			r.errs++
		}
		return
	}
	r.o.Emit(n, atKey, finding.Finding{Severity: sev, Code: code, Rule: rule, Expression: string(r.path),
		Message: msg, Profile: r.prof.Ref()})
}

func (r *run) push(it item) int {
	l := len(r.path)
	if it.key != "" {
		if l > 0 {
			r.path = append(r.path, '.')
		}
		r.path = append(r.path, it.key...)
	}
	if it.index >= 0 {
		r.path = append(r.path, '[')
		r.path = strconv.AppendInt(r.path, int64(it.index), 10)
		r.path = append(r.path, ']')
	}
	return l
}

func (r *run) pop(l int) { r.path = r.path[:l] }

// from is the "(from url|version)" suffix of reference-validator messages.
func (r *run) from() string { return " (from " + r.prof.Ref() + ")" }

// value checks one value against an element definition.
func (r *run) value(it item, e *Elem) {
	if r.depth > maxDepth || r.o.Ctx.Err() != nil {
		return
	}
	r.depth++
	defer func() { r.depth-- }()
	t := r.t
	n := it.node
	typ := it.typ
	if typ == "" && len(e.Types) == 1 {
		typ = e.Types[0].Code
	}
	nested := false
	if rt := resourceType(t, n); rt != "" && (typ == "" || typ == rt || typ == "Resource" || typ == "DomainResource" || e == e.prof.Root) {
		// A resource value (the root, Bundle.entry.resource, contained).
		typ = rt
		if p := e.prof; e == p.Root && p.Kind == "resource" && rt != p.Type && !(r.s.Defs != nil && r.s.Defs.IsSubtype(rt, p.Type)) {
			r.report(n, false, finding.Error, "structure", RuleWrongType,
				fmt.Sprintf("the profile %s is for %s resources, but this is a %s", p.Label(), p.Type, rt))
			return
		}
		if e != e.prof.Root {
			nested = true
			if !r.typeAllowed(e, rt) {
				r.report(n, false, finding.Error, "structure", RuleType,
					fmt.Sprintf("%s: a %s is not allowed here; the profile %s allows %s", e.Path, rt, r.prof.Label(), strings.Join(e.typeCodes(), ", ")))
				return
			}
		}
	}
	if n == jsontree.None {
		return
	}
	if e.fixed != nil && !equalValue(t, n, e.fixed) {
		r.report(n, false, finding.Error, "value", RuleFixed,
			fmt.Sprintf("%s: the value must be exactly %s, as fixed by the profile %s, but is %s", e.Path, show(e.fixed), r.prof.Label(), showNode(t, n)))
	}
	if e.pattern != nil && !matchPattern(t, n, e.pattern) {
		r.report(n, false, finding.Error, "value", RulePattern,
			fmt.Sprintf("%s: the value does not match the pattern %s of the profile %s (found %s)", e.Path, show(e.pattern), r.prof.Label(), showNode(t, n)))
	}
	r.checkRange(n, e)
	if e.Def.MaxLength != nil && *e.Def.MaxLength > 0 && t.Kind(n) == jsontree.String {
		if l := len([]rune(t.Str(n))); l > *e.Def.MaxLength {
			r.report(n, false, finding.Error, "value", RuleMaxLength,
				fmt.Sprintf("%s: the value is longer than the permitted maximum length of %d (it has %d characters)%s", e.Path, *e.Def.MaxLength, l, r.from()))
		}
	}
	if e.bindingVS != "" {
		r.checkBinding(n, typ, e)
	}
	if len(e.constraints) > 0 && !r.o.SkipInvariants {
		r.checkConstraints(n, typ, e)
	}
	if t.Kind(n) != jsontree.Object {
		return
	}
	if nested {
		// Inside it, %resource is the nested resource; on its element
		// (above) it was the one that holds it.
		saveRes := r.resource
		r.resource = n
		defer func() { r.resource = saveRes }()
	}
	switch {
	case len(e.Children) > 0:
		r.object(n, e)
	case e != e.prof.Root:
		if !r.typeProfiles(it, typ, e) && typ == "Extension" {
			r.knownExtension(it)
		}
	}
	if typ == "Reference" {
		r.checkTarget(n, e)
	}
}

// typeAllowed reports whether a resource type fits the element's types.
func (r *run) typeAllowed(e *Elem, rt string) bool {
	if len(e.Types) == 0 {
		return true
	}
	for _, tr := range e.Types {
		if tr.Code == rt || tr.Code == "Resource" || tr.Code == "DomainResource" && rt != "Bundle" && rt != "Binary" && rt != "Parameters" {
			return true
		}
	}
	return false
}

// typeProfiles validates a value against the profiles its type names
// (extension definitions, datatype and resource profiles). It reports
// whether one was applied.
func (r *run) typeProfiles(it item, typ string, e *Elem) bool {
	for _, tr := range e.Types {
		if tr.Code != typ && !(resourceType(r.t, it.node) != "" && (tr.Code == "Resource" || tr.Code == typ)) {
			continue
		}
		// Several profiles: the value must conform to one of them; the
		// findings shown are those of the first when it conforms to none.
		var known []*Profile
		var roots []*Elem
		for i := range tr.Profile {
			if p, root := r.s.typeTarget(tr, i); p != nil {
				known, roots = append(known, p), append(roots, root)
			}
		}
		if len(known) == 0 {
			continue
		}
		chosen := 0
		if len(known) > 1 {
			for i, p := range known {
				if r.conforms(item{node: it.node, index: -1, typ: typ}, roots[i], p) {
					chosen = i
					break
				}
			}
		}
		save := r.prof
		r.prof = known[chosen]
		r.value(item{node: it.node, index: -1, typ: typ}, roots[chosen])
		r.prof = save
		return true
	}
	return false
}

// knownExtension validates an extension against its definition when the
// guides hold it and no profile applied one.
func (r *run) knownExtension(it item) {
	u := r.t.Get(it.node, "url")
	if u == jsontree.None || r.t.Kind(u) != jsontree.String {
		return
	}
	p, ok := r.s.ExtensionContext(r.t.Str(u))
	if !ok {
		return
	}
	save := r.prof
	r.prof = p
	r.value(item{node: it.node, index: -1, typ: "Extension"}, p.Root)
	r.prof = save
}

// object checks the members of object n against e's children.
func (r *run) object(n jsontree.ID, e *Elem) {
	t := r.t
	// On the stack for up to 64 children: a resource has more than 16
	// (Patient 24, Observation 32), and a heap slice per object was 10% of
	// the bytes of validating Synthea with US Core.
	var bufItems [64][]item
	buckets := bufItems[:0]
	if len(e.Children) <= len(bufItems) {
		buckets = bufItems[:len(e.Children)]
	} else {
		buckets = make([][]item, len(e.Children))
	}
	type companionAt struct {
		idx  int
		node jsontree.ID
	}
	var companions []companionAt // children present only through _name
	for c := t.First(n); c != jsontree.None; c = t.Next(c) {
		key := t.Key(c)
		if key == "resourceType" {
			continue
		}
		companion := false
		if len(key) > 1 && key[0] == '_' {
			key, companion = key[1:], true
		}
		child, typ := e.child(key)
		if child == nil {
			continue // the base walk reports unknown elements
		}
		idx := child.pos
		if companion {
			if t.Get(n, key) == jsontree.None {
				companions = append(companions, companionAt{idx, c})
			}
			continue
		}
		buckets[idx] = appendValues(t, buckets[idx], c, key, typ)
	}
	for i, c := range e.Children {
		items := buckets[i]
		count := len(items)
		for _, ci := range companions {
			if ci.idx != i {
				continue
			}
			if alts := valueAlternatives(c); len(alts) > 0 && !hasExtension(t, ci.node, alts) {
				// Without a value only the listed extensions stand in for it.
				r.report(n, false, finding.Error, "required", RuleMin,
					fmt.Sprintf("%s: the profile %s requires that if a value is not present, the extension '%s' must be present", c.Path, r.prof.Label(), strings.Join(alts, "' or '")))
				count = -1 // reported
				break
			}
			count++
		}
		if count < 0 {
			continue
		}
		if c.Min > c.BaseMin && count < c.Min {
			r.report(n, false, finding.Error, "required", RuleMin,
				fmt.Sprintf("%s: minimum required = %d, but only found %d%s", c.Path, c.Min, count, r.from()))
		}
		if c.Max >= 0 && (c.BaseMax < 0 || c.Max < c.BaseMax) && count > c.Max {
			key := t.Get(n, items[0].key)
			r.report(key, true, finding.Error, "structure", RuleMax,
				fmt.Sprintf("%s: max allowed = %d, but found %d%s", c.Path, c.Max, count, r.from()))
		}
		if count == 0 {
			if len(c.Slices) > 0 && c.Slicing != nil {
				r.slice(n, c, nil) // required slices are missing too
			}
			continue
		}
		if c.Choice && len(c.Types) > 0 {
			ok := items[:0:0]
			for _, it := range items {
				if it.typ != "" && !hasType(c, it.typ) {
					l := r.push(it)
					r.report(t.Get(n, it.key), true, finding.Error, "structure", RuleType,
						fmt.Sprintf("%s: the type %s is not allowed by the profile %s; use %s", c.Path, it.typ, r.prof.Label(), choiceNames(c)))
					r.pop(l)
					continue
				}
				ok = append(ok, it)
			}
			items = ok
		}
		if len(c.Slices) > 0 && c.Slicing != nil {
			r.slice(n, c, items)
			continue
		}
		for _, it := range items {
			l := r.push(it)
			r.value(it, c)
			r.pop(l)
		}
	}
}

func hasType(e *Elem, typ string) bool {
	for _, t := range e.Types {
		if t.Code == typ {
			return true
		}
	}
	return false
}

func choiceNames(e *Elem) string {
	var out []string
	for _, t := range e.Types {
		if t.Code != "" {
			out = append(out, e.Name+strings.ToUpper(t.Code[:1])+t.Code[1:])
		}
	}
	return strings.Join(out, " or ")
}

// slice assigns the values of a sliced element to its slices and checks the
// slicing's rules, each slice's cardinality and each value.
func (r *run) slice(parent jsontree.ID, c *Elem, items []item) {
	t := r.t
	assigned := make([]int, len(items))
	rules := c.Slicing.Rules
	ordered := c.Slicing.Ordered != nil && *c.Slicing.Ordered
	last, matchedAfter := -1, false
	for i, it := range items {
		assigned[i] = -1
		var names []string
		for si, sl := range c.Slices {
			if r.matches(it, sl) {
				if assigned[i] < 0 {
					assigned[i] = si
				}
				names = append(names, sl.SliceName)
			}
		}
		l := r.push(it)
		switch {
		case len(names) > 1:
			// Conformance to a profile is judged without a terminology
			// server, so profile slices that differ only in codes from
			// external code systems can all match: a warning then.
			sev, note := finding.Error, ""
			if byProfile(c) {
				sev, note = finding.Warning, " (slices told apart by profile: codes that need a terminology server were not checked)"
			}
			r.report(it.node, false, sev, "structure", RuleAmbiguous,
				fmt.Sprintf("%s: this element matches more than one slice of the profile %s: %s%s", c.Path, r.prof.Label(), strings.Join(names, ", "), note))
		case len(names) == 0 && rules == "closed":
			r.report(it.node, false, finding.Error, "structure", RuleClosed,
				fmt.Sprintf("%s: this element does not match any slice of the profile %s, whose slicing is closed (slices: %s)", c.Path, r.prof.Label(), sliceNames(c)))
		case len(names) == 0 && rules == "openAtEnd":
			matchedAfter = true
		}
		if assigned[i] >= 0 {
			if matchedAfter && rules == "openAtEnd" {
				r.report(it.node, false, finding.Error, "structure", RuleOrder,
					fmt.Sprintf("%s: the slicing of the profile %s is open at the end only, but this element of slice '%s' follows one that matches no slice", c.Path, r.prof.Label(), c.Slices[assigned[i]].SliceName))
			}
			if ordered && assigned[i] < last {
				r.report(it.node, false, finding.Error, "structure", RuleOrder,
					fmt.Sprintf("%s: the slices of the profile %s are ordered, but this element of slice '%s' comes after one of slice '%s'", c.Path, r.prof.Label(), c.Slices[assigned[i]].SliceName, c.Slices[last].SliceName))
			}
			if assigned[i] > last {
				last = assigned[i]
			}
		}
		r.pop(l)
	}
	for si, sl := range c.Slices {
		var mine []item
		for i, it := range items {
			if assigned[i] == si {
				mine = append(mine, it)
			}
		}
		if len(mine) < sl.Min {
			r.report(parent, false, finding.Error, "required", RuleSliceMin,
				fmt.Sprintf("%s: slice '%s' of %s requires at least %d %s, found %d", c.Path, sl.SliceName, r.prof.Label(), sl.Min, plural(sl.Min, "element"), len(mine)))
		}
		if sl.Max >= 0 && len(mine) > sl.Max {
			r.report(t.Get(parent, mine[0].key), true, finding.Error, "structure", RuleSliceMax,
				fmt.Sprintf("%s: slice '%s' of %s allows at most %d %s, found %d", c.Path, sl.SliceName, r.prof.Label(), sl.Max, plural(sl.Max, "element"), len(mine)))
		}
		if len(mine) == 0 {
			continue
		}
		if len(sl.Slices) > 0 && sl.Slicing != nil {
			r.slice(parent, sl, mine) // reslicing
			continue
		}
		for _, it := range mine {
			l := r.push(it)
			r.value(it, sl)
			r.pop(l)
		}
	}
	for i, it := range items {
		if assigned[i] < 0 {
			l := r.push(it)
			r.value(it, c)
			r.pop(l)
		}
	}
}

func sliceNames(c *Elem) string {
	var out []string
	for _, s := range c.Slices {
		out = append(out, s.SliceName)
	}
	return strings.Join(out, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// checkConstraints evaluates the invariants the profile adds.
func (r *run) checkConstraints(n jsontree.ID, typ string, e *Elem) {
	env := r.env
	for i := range e.constraints {
		c := &e.constraints[i]
		if c.err != nil {
			r.report(n, false, finding.Warning, "processing", RuleInvError,
				fmt.Sprintf("%s of the profile %s could not be checked: its expression does not compile (%v)", c.key, r.prof.Label(), c.err))
			continue
		}
		env.Focus, env.FocusType, env.FocusElem = n, typ, e.baseDef
		env.FocusCompanion = jsontree.None
		env.Resource, env.RootResource, env.ResourcesSet = r.resource, r.o.Root, true
		if env.RootResource == jsontree.None {
			env.RootResource = r.resource
		}
		ok, err := c.expr.EvaluateBool(r.o.Ctx, env)
		if err != nil {
			r.report(n, false, finding.Warning, "processing", RuleInvError,
				fmt.Sprintf("%s of the profile %s could not be checked: %v", c.key, r.prof.Label(), err))
			continue
		}
		if !ok {
			sev := finding.Error
			if c.severity == "warning" {
				sev = finding.Warning
			}
			r.report(n, false, sev, "invariant", RuleInvariant,
				fmt.Sprintf("Constraint failed: %s: '%s'%s", c.key, c.human, r.from()))
		}
	}
}

// byProfile reports whether a slicing has a profile discriminator.
func byProfile(c *Elem) bool {
	for _, d := range c.Slicing.Discriminator {
		if d.Type == "profile" {
			return true
		}
	}
	return false
}

// valueAlternatives lists the extensions that may stand in for a missing
// primitive value (the R5 ElementDefinition.valueAlternatives, as an
// extension in R4).
func valueAlternatives(e *Elem) []string {
	var out []string
	for _, m := range e.Def.Other {
		if m.Key != "extension" {
			continue
		}
		var exts []struct {
			URL            string `json:"url"`
			ValueCanonical string `json:"valueCanonical"`
		}
		if json.Unmarshal(m.Value, &exts) != nil {
			continue
		}
		for _, x := range exts {
			if strings.HasSuffix(x.URL, "StructureDefinition/extension-ElementDefinition.valueAlternatives") && x.ValueCanonical != "" {
				out = append(out, x.ValueCanonical)
			}
		}
	}
	return out
}

// hasExtension reports whether the `_name` object (or array of them) has
// an extension with one of the urls.
func hasExtension(t *jsontree.Tree, n jsontree.ID, urls []string) bool {
	if t.Kind(n) == jsontree.Array {
		for c := t.First(n); c != jsontree.None; c = t.Next(c) {
			if hasExtension(t, c, urls) {
				return true
			}
		}
		return false
	}
	exts := t.Get(n, "extension")
	if exts == jsontree.None || t.Kind(exts) != jsontree.Array {
		return false
	}
	for x := t.First(exts); x != jsontree.None; x = t.Next(x) {
		u := str(t, x, "url")
		for _, want := range urls {
			if u == want {
				return true
			}
		}
	}
	return false
}
