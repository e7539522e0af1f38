package bundle

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// checkTargetType reports a reference whose target type is not one the
// element allows (Reference(Patient|Group) pointing at a Practitioner).
func (g *Graph) checkTargetType(r *reporter, ref *Ref, s, typ string) {
	if typ == "" || allowsType(ref.Targets, typ) {
		return
	}
	r.add(finding.Error, "structure", "ref.target-type", func() string {
		return "reference " + quote(s) + " points to " + article(typ) + ", but this element only allows " + strings.Join(ref.Targets, " | ")
	})
}

func allowsType(targets []string, typ string) bool {
	if len(targets) == 0 {
		return true
	}
	for _, t := range targets {
		switch t {
		case typ, "Resource":
			return true
		case "DomainResource":
			if typ != "Bundle" && typ != "Binary" && typ != "Parameters" {
				return true
			}
		}
	}
	return false
}

// mustResolve reports whether ref is one a document or message requires to
// be in the bundle: the first Composition's subject, author, encounter,
// custodian, attester.party, event.detail and section author, focus and
// entry (at any depth); the first MessageHeader's focus.
func (g *Graph) mustResolve(ref *Ref, from int) bool {
	if from != 0 || len(g.Entries) == 0 {
		return false
	}
	first := &g.Entries[0]
	if ref.Resource != jsontree.None && ref.Resource != first.Resource {
		return false
	}
	var want string
	switch {
	case g.Type == "document" && first.Type == "Composition":
		want = "Composition"
	case g.Type == "message" && first.Type == "MessageHeader":
		want = "MessageHeader"
	default:
		return false
	}
	keys := g.keysFrom(first.Resource, ref.Node)
	if len(keys) == 0 || keys[len(keys)-1] != "reference" {
		return false
	}
	keys = keys[:len(keys)-1]
	if want == "MessageHeader" {
		return len(keys) == 1 && keys[0] == "focus"
	}
	switch strings.Join(keys, ".") {
	case "subject", "author", "encounter", "custodian", "attester.party", "event.detail":
		return true
	}
	if len(keys) < 2 {
		return false
	}
	for _, k := range keys[:len(keys)-1] {
		if k != "section" {
			return false
		}
	}
	switch keys[len(keys)-1] {
	case "author", "focus", "entry":
		return true
	}
	return false
}

// keysFrom lists the member names from resource down to n (array items
// skipped), or nil when n is not inside resource.
func (g *Graph) keysFrom(resource, n jsontree.ID) []string {
	t := g.tree
	var rev []string
	for c := n; c != resource; c = t.Parent(c) {
		if c == jsontree.None || len(rev) > 64 {
			return nil
		}
		if t.HasKey(c) {
			rev = append(rev, t.Key(c))
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
