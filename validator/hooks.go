package validator

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// nativeRules are invariants the walk or the bundle checks report
// themselves, more precisely located than the FHIRPath form would be:
// ele-1 (empty elements, seen by the walk), dom-2 and dom-4 (contained
// resources), txt-1 and txt-2 (both are htmlChecks(), which the xhtml
// primitive check reports with the offending tag), and the Bundle and
// Reference rules of package bundle.
var nativeRules = func() map[string]bool {
	m := map[string]bool{"ele-1": true, "dom-2": true, "dom-4": true, "txt-1": true, "txt-2": true}
	for _, k := range bundle.NativeInvariants {
		m[k] = true
	}
	return m
}()

// refScope gathers the references of one top-level resource or Bundle, to
// be resolved once the whole of it has been walked.
type refScope struct {
	node  jsontree.ID
	path  string
	refs  []bundle.Ref
	graph *bundle.Graph // indexed when the scope opens: FHIRPath resolve() uses it during the walk
}

// installHooks wires the stages that ride along the walk.
func (w *walker) installHooks() {
	w.hooks.reference = (*walker).collectReference
	if !w.v.opts.SkipInvariants {
		w.hooks.element = (*walker).checkInvariants
		w.env = &fhirpath.Env{Defs: w.defs, Tree: w.tree, Resolver: w.resolver()}
	}
}

// checkInvariants evaluates the constraints that apply to the element at n:
// those of its definition and those of its data type.
func (w *walker) checkInvariants(n jsontree.ID, elem *definitions.Element, typeCode string) {
	cs := w.v.constraintsFor(elem, typeCode)
	if len(cs) == 0 {
		return
	}
	env := w.env
	resource, root := w.frames[len(w.frames)-1].node, w.rootResource()
	for i := range cs {
		c := &cs[i]
		if c.err != nil {
			w.report(n, false, ruleInvariantError,
				fmt.Sprintf("%s could not be checked: its expression does not compile (%v)", c.Key, c.err))
			continue
		}
		env.Focus, env.FocusType, env.FocusElem = n, typeCode, elem
		env.FocusCompanion = jsontree.None
		env.Resource, env.RootResource = resource, root
		ok, err := c.expr.EvaluateBool(w.ctx, env)
		if err != nil {
			w.report(n, false, ruleInvariantError,
				fmt.Sprintf("%s could not be checked: %v", c.Key, err))
			continue
		}
		if !ok {
			w.reportAs(n, false, c.rule, c.severity, c.message)
		}
	}
}

// compiledConstraint is an invariant ready to evaluate at an element.
type compiledConstraint struct {
	*definitions.Constraint
	expr     *fhirpath.Expr
	err      error
	severity Severity
	message  string
	rule     rule
}

type constraintKey struct {
	elem     *definitions.Element
	typeCode string
}

// constraintsFor lists, once per element definition and type, the
// invariants to evaluate there: the element's own and its data type's,
// without duplicates and without those checked natively (nativeRules).
func (v *Validator) constraintsFor(elem *definitions.Element, typeCode string) []compiledConstraint {
	key := constraintKey{elem, typeCode}
	v.constraintsMu.RLock()
	cs, ok := v.constraints[key]
	v.constraintsMu.RUnlock()
	if ok {
		return cs
	}
	all := elem.Constraints
	if t := v.defs.Type(typeCode); t != nil && t.Root != nil && t.Root != elem && t.Kind != "resource" {
		all = append(append([]definitions.Constraint(nil), all...), t.Root.Constraints...)
	}
	seen := map[string]bool{}
	for i := range all {
		c := &all[i]
		if c.Expression == "" || nativeRules[c.Key] || seen[c.Key] {
			continue
		}
		seen[c.Key] = true
		expr, err := fhirpath.CompileCached(fhirpath.CorrectInvariant(c.Expression))
		r := constraintRule(c)
		cs = append(cs, compiledConstraint{Constraint: c, expr: expr, err: err, severity: r.sev,
			message: fmt.Sprintf("%s: %s", c.Key, strings.TrimSpace(c.Human)), rule: r})
	}
	v.constraintsMu.Lock()
	if v.constraints == nil {
		v.constraints = map[constraintKey][]compiledConstraint{}
	}
	v.constraints[key] = cs
	v.constraintsMu.Unlock()
	return cs
}

// constraintRule is the registered rule of an invariant: its key, with
// the severity the definition gives it (best practice ones are warnings).
func constraintRule(c *definitions.Constraint) rule {
	sev := Error
	if c.Severity == "warning" || c.BestPractice {
		sev = Warning
	}
	return invariantRule(c.Key, strings.TrimSpace(c.Human), sev, "FHIR invariant "+c.Key, c.BestPractice)
}

// Rules returns every rule this validator can report, sorted by id: the
// engine's own (each stage's, from the registry) and the invariants of its
// definitions, which are registered here if validation has not met them yet.
func (v *Validator) Rules() []finding.Rule {
	var visit func(e *definitions.Element, depth int)
	visit = func(e *definitions.Element, depth int) {
		if e == nil || depth > 64 {
			return
		}
		for i := range e.Constraints {
			if c := &e.Constraints[i]; c.Expression != "" && !nativeRules[c.Key] {
				constraintRule(c)
			}
		}
		for _, ch := range e.Children {
			visit(ch, depth+1)
		}
	}
	for _, name := range v.defs.TypeNames {
		if t := v.defs.Type(name); t != nil {
			visit(t.Root, 0)
		}
	}
	return finding.Rules()
}

// rootResource binds %rootResource: the container of a contained resource,
// otherwise the resource itself.
func (w *walker) rootResource() jsontree.ID { return w.ownerFrame().node }

// ownerFrame is the innermost resource that is not contained: the entry's
// (or top-level) resource, which %rootResource and "#id" references mean.
func (w *walker) ownerFrame() resourceFrame {
	for i := len(w.frames) - 1; i >= 0; i-- {
		if !w.frames[i].contained {
			return w.frames[i]
		}
	}
	return w.frames[0]
}

// collectReference notes a Reference value for resolution at the end of its
// scope, with the target types its element allows.
func (w *walker) collectReference(n jsontree.ID, elem *definitions.Element) {
	ref := w.tree.Get(n, "reference")
	if ref == jsontree.None || w.tree.Kind(ref) != jsontree.String || len(w.scopes) == 0 {
		return
	}
	owner := w.ownerFrame()
	r := bundle.Ref{Node: ref, Path: w.pathString(), Entry: owner.entry, Resource: owner.node, Targets: w.v.targetsOf(elem)}
	s := &w.scopes[len(w.scopes)-1]
	s.refs = append(s.refs, r)
}

// openScope starts collecting references for a Bundle or a top-level
// resource; closeScope resolves them and reports what the graph finds.
func (w *walker) openScope(n jsontree.ID) {
	g := bundle.IndexTypes(w.tree, n, w.v.resourceTypes)
	g.Path = w.pathString()
	// Room for the entries' resources at once: appending them one by one to
	// a large report regrows (and copies) the list ~30 times for 1M entries.
	w.rep.Resources = slices.Grow(w.rep.Resources, len(g.Entries))
	w.parents = slices.Grow(w.parents, len(g.Entries))
	w.resolver().Use(g)
	w.scopes = append(w.scopes, refScope{node: n, path: g.Path, graph: g})
}

// resolver is the one reference resolver of the walk: FHIRPath resolve()
// and the profile stage see the graphs the reference checks use.
func (w *walker) resolver() *fhirpath.GraphResolver {
	if w.graphs == nil {
		w.graphs = &fhirpath.GraphResolver{Types: w.v.resourceTypes}
	}
	return w.graphs
}

// resolveID resolves a reference written at node from, for the profile stage.
func (w *walker) resolveID(from jsontree.ID, ref string) (jsontree.ID, bool) {
	return w.resolver().ResolveID(from, ref)
}

func (w *walker) closeScope(isBundle bool) {
	s := w.scopes[len(w.scopes)-1]
	w.scopes = w.scopes[:len(w.scopes)-1]
	g := s.graph
	if s.node == w.tree.Root() && w.offBase == 0 && w.rep.Format == "json" {
		w.rep.graph = g // the input's own graph, for Report.Graph
	}
	if isBundle {
		g.CheckEntriesTo(placer{w})
	}
	g.CheckReferencesTo(s.refs, bundle.Options{}, placer{w})
}

// placer is the finding.Sink through which a stage that knows only this
// tree (the bundle checks) reports: counted by the report's list, and the
// findings kept shifted into the whole input and given the resource they
// are in.
type placer struct{ w *walker }

func (p placer) Admit(rule string, sev Severity) bool { return p.w.rep.list.Admit(rule, sev) }

func (p placer) Keep(f Finding) {
	w := p.w
	f.Line += w.lineBase
	f.Offset += w.offBase
	f.Resource = w.resourceAt(f.Offset - w.offBase)
	w.rep.list.Keep(f)
}

// resourceAt is the innermost resource of the report containing offset.
// Resources are listed in document order (containers before what they
// contain), so a binary search finds the last one starting at or before the
// offset; if that one has ended, the answer is among its enclosing
// resources (resources nest), so the step back follows parents, a few
// steps at most, never the siblings before it (which made a bundle of N
// entries without fullUrl O(N²): issue 17).
func (w *walker) resourceAt(off int) int {
	off += w.offBase
	rs := w.rep.Resources
	i := sort.Search(len(rs), func(i int) bool { return rs[i].Offset > off }) - 1
	for i >= 0 && off >= rs[i].End {
		if i < w.parentBase || i-w.parentBase >= len(w.parents) {
			return -1 // an earlier ndjson line's resource: nothing here encloses off
		}
		i = int(w.parents[i-w.parentBase])
	}
	return i
}

// noteParent records the enclosing resource of the resource about to be
// appended to the report.
func (w *walker) noteParent(parent int) {
	if len(w.parents) == 0 {
		w.parentBase = len(w.rep.Resources)
	}
	w.parents = append(w.parents, int32(parent))
}

// targetsOf lists the resource types a Reference element may point to,
// computed once per element definition and shared by all walks.
func (v *Validator) targetsOf(elem *definitions.Element) []string {
	if cached, ok := v.targets.Load(elem); ok {
		return cached.([]string)
	}
	var out []string
	for _, t := range elem.Types {
		if t.Code != "Reference" {
			continue
		}
		for _, p := range t.TargetProfiles {
			out = append(out, strings.TrimPrefix(p, "http://hl7.org/fhir/StructureDefinition/"))
		}
	}
	v.targets.Store(elem, out)
	return out
}
