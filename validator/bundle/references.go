package bundle

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Ref is one Reference.reference to resolve, as the validator's walk (which
// knows which elements are References) or CollectReferences found it.
type Ref struct {
	Node     jsontree.ID // the "reference" string node
	Path     string      // FHIRPath of the Reference element, used in findings
	Entry    int         // index of the entry it is in, or -1
	Resource jsontree.ID // the entry's (or top-level) resource; "#id" resolves in its contained
	// Targets are the allowed target type names from the element's
	// targetProfile ("Patient", "Group"); empty, "Resource" or
	// "DomainResource" allow any.
	Targets []string
}

// edge is one resolved (or unresolved) reference of the graph.
type edge struct {
	FromEntry int         `json:"from"` // entry the reference is in, -1 outside entries
	Path      string      `json:"path"`
	Ref       string      `json:"ref"`
	ToEntry   int         `json:"to"` // target entry, -1 when unresolved or external
	Node      jsontree.ID `json:"node"`
	Kind      string      `json:"kind"`   // KindRelative, KindURN, ...
	Target    jsontree.ID `json:"target"` // target resource node (contained included), -1 when none
}

// Options tune reference checking.
type Options struct {
	// ReportExternal reports absolute URLs that no entry has (information):
	// off by default, since they normally point to other servers.
	ReportExternal bool
}

// CheckReferences resolves refs (in document order), records them as the
// graph's edges, and reports references that do not resolve, resolve
// ambiguously or to the wrong type, and, in documents, entries the
// Composition does not reach. Severity follows the bundle type the way the
// reference validator grades it: what must be in the bundle (urn: references
// in documents, messages, transactions and batches; the Composition's and
// MessageHeader's references) is an error, a urn: reference that resolves
// nowhere in other bundles a warning, a relative reference information in
// documents and messages and nothing elsewhere (it may be on the server),
// and external absolute URLs nothing unless Options.ReportExternal.
func (g *Graph) CheckReferences(refs []Ref, opts Options) []finding.Finding {
	var c collect
	g.CheckReferencesTo(refs, opts, &c)
	return c.out
}

// CheckReferencesTo is CheckReferences streaming into s, in document order:
// refs are in document order and each one's findings are at its node, so
// they are offered to s reference by reference and nothing is stored per
// finding beyond what s keeps. In a document, the entries the Composition
// does not reach are known only once every reference is resolved: the
// references are resolved first (the edges), then judged, merging those
// findings in by offset.
func (g *Graph) CheckReferencesTo(refs []Ref, opts Options, s finding.Sink) {
	t := g.tree
	if t == nil {
		return
	}
	document := g.Type == "document" && len(g.Entries) > 0 && g.Entries[0].Type == "Composition"
	m := merger{t: t, s: s}
	g.edges = make([]edge, 0, len(refs))
	r := reporter{t: t, s: s}
	pass := func(judge bool) {
		for i := range refs {
			ref := &refs[i]
			if ref.Node < 0 || int(ref.Node) >= t.Len() || t.Kind(ref.Node) != jsontree.String {
				continue
			}
			s := t.Str(ref.Node)
			container := ref.Resource
			if container == jsontree.None && ref.Entry >= 0 && ref.Entry < len(g.Entries) {
				container = g.Entries[ref.Entry].Resource
			}
			from := ref.Entry
			if from >= len(g.Entries) {
				from = -1
			}
			res := g.resolve(from, container, s)
			if !judge || !document {
				g.edges = append(g.edges, edge{FromEntry: from, Path: ref.Path, Ref: s, ToEntry: res.Entry, Node: ref.Node, Kind: res.Kind, Target: res.Target})
			}
			if judge {
				m.upTo(t.Offset(ref.Node)) // the unreachable entries before it
				r.node, r.path = ref.Node, ref.Path
				if r.path == "" {
					r.path = g.pathOf(ref.Node, from)
				}
				g.judge(&r, ref, from, s, &res, opts)
			}
		}
	}
	if document {
		pass(false)
		m.pending = g.unreachable()
	}
	pass(true)
	m.flush()
}

// reporter offers the findings about one reference to the sink as judge
// finds them (all at the reference's node, so in document order): each is
// counted, and its message is built only when the sink keeps it — in a big
// bundle most are counted, not kept, and building their messages was most
// of the cost of checking references.
type reporter struct {
	t    *jsontree.Tree
	s    finding.Sink
	node jsontree.ID
	path string
}

func (r *reporter) add(sev finding.Severity, code, rule string, msg func() string) {
	if r.s.Admit(rule, sev) {
		f := newFinding(r.t, sev, code, rule, r.node, r.path, msg())
		f.Line, f.Col = r.t.Position(f.Offset)
		r.s.Keep(f)
	}
}

// judge reports the findings about one resolved reference.
func (g *Graph) judge(r *reporter, ref *Ref, from int, s string, res *Resolution, opts Options) {
	t := g.tree
	switch res.Kind {
	case KindInvalid:
		if s == "" {
			return // an empty string is reported by the primitive checks
		}
		r.add(finding.Error, "invalid", "ref.format", func() string { return "reference " + quote(s) + " is not valid: " + res.Why })
		return
	case KindConditional:
		if g.Type != "transaction" && g.Type != "batch" {
			// The spec allows these only in transactions, but bulk exports
			// (Synthea among them) carry them widely: a warning tells the
			// supplier without failing data that servers accept.
			r.add(finding.Warning, "invalid", "ref.conditional", func() string {
				return "reference " + quote(s) + " is a conditional (search) reference, which FHIR only defines inside transactions and batches (the server replaces it when it processes them); here it cannot be resolved"
			})
		}
		return
	case KindContainer:
		return
	case KindContained:
		if res.Target == jsontree.None {
			r.add(finding.Error, "invariant", "ref-1", func() string {
				return "reference " + quote(s) + " points to a contained resource with id " + quote(res.ID) + ", but the resource has none (ref-1); add it to contained or fix the id"
			})
			return
		}
		g.checkTargetType(r, ref, s, res.Type)
		return
	}
	if res.Entry < 0 {
		sev := g.unresolvedSeverity(res.Kind, g.mustResolve(ref, from), opts)
		if res.Apparent >= 0 {
			if sev == noFinding {
				sev = finding.Information
			}
			r.add(sev, "not-found", "ref.base-mismatch", func() string {
				where := "under the fullUrl " + quote(g.Entries[res.Apparent].FullURL) + ": if that is the target, reference it by that URL"
				if g.Entries[res.Apparent].FullURL == "" {
					where = "but has no fullUrl to reference it by"
				}
				return "relative reference " + quote(s) + " resolves against the base of this entry's fullUrl to " + quote(g.relativeTarget(from, res)) +
					", which no entry has; entry " + strconv.Itoa(res.Apparent) + " holds " + res.Type + "/" + res.ID + " " + where
			})
		} else if sev != noFinding {
			r.add(sev, "not-found", "ref.unresolved", func() string { return g.unresolvedMessage(from, s, res) })
		}
		if res.Type != "" {
			g.checkTargetType(r, ref, s, res.Type)
		}
		return
	}
	target := &g.Entries[res.Entry]
	if res.Matches > 1 && g.Type != "history" {
		r.add(finding.Error, "invalid", "ref.ambiguous", func() string {
			return "reference " + quote(s) + " matches " + strconv.Itoa(res.Matches) + " entries (" + g.listMatches(res) + "); it must identify exactly one: make the fullUrls (or type and id) unique"
		})
	}
	if res.VersionUnknown {
		r.add(finding.Warning, "not-found", "ref.version", func() string {
			return "reference " + quote(s) + " asks for version " + quote(res.Version) + ", but entry " + strconv.Itoa(res.Entry) + " does not declare meta.versionId, so the version cannot be checked"
		})
	}
	if res.Type != "" && target.Type != "" && target.Type != res.Type {
		r.add(finding.Error, "invalid", "ref.type-mismatch", func() string {
			return "reference " + quote(s) + " names type " + res.Type + ", but the entry it resolves to (entry " + strconv.Itoa(res.Entry) + ") holds " + article(target.Type)
		})
		return
	}
	typ := target.Type
	if res.Target != target.Resource {
		typ = t.Text(t.Get(res.Target, "resourceType"))
	}
	g.checkTargetType(r, ref, s, typ)
}

// unresolvedSeverity grades a reference that resolves to no entry; "" means
// no finding.
func (g *Graph) unresolvedSeverity(kind string, mustResolve bool, opts Options) finding.Severity {
	if !g.isBundle {
		return noFinding // a lone resource's references point elsewhere by design
	}
	if mustResolve {
		return finding.Error
	}
	switch kind {
	case KindURN:
		switch g.Type {
		case "document", "message", "transaction", "batch":
			return finding.Error
		}
		return finding.Warning
	case KindRelative:
		// As the reference validator: a hint in documents and messages, whose
		// content should be complete; elsewhere a relative reference may
		// point to the server the bundle came from.
		switch g.Type {
		case "document", "message":
			return finding.Information
		}
	case KindAbsolute:
		if opts.ReportExternal {
			return finding.Information
		}
	}
	return noFinding
}

func (g *Graph) unresolvedMessage(from int, s string, res *Resolution) string {
	msg := "reference " + quote(s) + " does not resolve to any entry of this " + typeName(g.Type)
	switch {
	case res.VersionMissing:
		return msg + ": the resource is in the bundle, but not at version " + quote(res.Version)
	case res.Kind == KindURN:
		return msg + ": a urn: reference can only point inside the bundle, so an entry with fullUrl " + quote(s) + " is missing"
	case res.Kind == KindRelative && from >= 0 && g.Entries[from].Base != "":
		return msg + " (it resolves to " + quote(g.relativeTarget(from, res)) + ")"
	case res.Kind == KindRelative:
		return msg + " (no entry holds " + res.Type + "/" + res.ID + ")"
	}
	return msg
}

func (g *Graph) listMatches(res *Resolution) string {
	var b strings.Builder
	for n, c := range res.cands.list(6) {
		if n == 5 {
			b.WriteString(", ...")
			break
		}
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString("entry " + strconv.Itoa(int(c)))
	}
	return b.String()
}

// relativeTarget is the full URL a relative reference written in entry from
// resolves to: the base of a RESTful fullUrl with type/id, or the URN of the
// entry's scheme with the id.
func (g *Graph) relativeTarget(from int, res *Resolution) string {
	if b := urnBase(g.Entries[from].FullURL); b != "" {
		return b + res.ID
	}
	return g.Entries[from].Base + res.Type + "/" + res.ID
}
