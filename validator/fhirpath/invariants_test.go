package fhirpath

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// invariant is one constraint with the element it sits on.
type invariant struct {
	typ  *definitions.Type
	elem *definitions.Element
	c    definitions.Constraint
}

func collectInvariants(defs *definitions.Set) []invariant {
	var out []invariant
	var walk func(t *definitions.Type, e *definitions.Element)
	walk = func(t *definitions.Type, e *definitions.Element) {
		for _, c := range e.Constraints {
			if c.Expression != "" {
				out = append(out, invariant{t, e, c})
			}
		}
		for _, ch := range e.Children {
			walk(t, ch)
		}
	}
	for _, name := range defs.TypeNames {
		if t := defs.Types[name]; t.Root != nil {
			walk(t, t.Root)
		}
	}
	for _, url := range defs.ProfileURLs {
		if t := defs.Profile(url); t.Root != nil {
			walk(t, t.Root)
		}
	}
	return out
}

// TestR4InvariantsCompile requires every constraint expression of every R4
// core StructureDefinition to compile, and evaluates each once on an empty
// instance of its element's type to find expressions that cannot be
// evaluated (unknown types, constants or unsupported functions).
func TestR4InvariantsCompile(t *testing.T) {
	defs := r4(t)
	invs := collectInvariants(defs)
	distinct := map[string]bool{}
	failed := 0
	for _, inv := range invs {
		distinct[inv.c.Expression] = true
		if _, err := CompileCached(inv.c.Expression); err != nil {
			failed++
			t.Errorf("%s %s (%s): %v\n  %s", inv.typ.URL, inv.c.Key, inv.elem.Path, err, inv.c.Expression)
		}
	}
	t.Logf("%d constraints (%d distinct expressions) on %d types and %d profiles: %d compile",
		len(invs), len(distinct), len(defs.TypeNames), len(defs.ProfileURLs), len(invs)-failed)
	if len(invs) < 1000 {
		t.Errorf("only %d constraints found; the definitions look incomplete", len(invs))
	}

	// Evaluate on an empty instance: nothing may fail to evaluate.
	var cannot []string
	for _, inv := range invs {
		e, err := CompileCached(inv.c.Expression)
		if err != nil {
			continue
		}
		doc := `{}`
		typ := ""
		if len(inv.elem.Types) == 1 {
			typ = inv.elem.Types[0].Code
		}
		if inv.elem == inv.typ.Root {
			typ = inv.typ.Name
			if inv.typ.Derived == "constraint" {
				typ = inv.typ.Base
			}
			if inv.typ.Kind == "resource" {
				doc = `{"resourceType":"` + typ + `"}`
			}
		}
		tree, _ := jsontree.Parse([]byte(doc), jsontree.Options{})
		env := &Env{Defs: defs, Tree: tree, FocusType: typ, FocusElem: inv.elem}
		if _, err := e.EvaluateBool(context.Background(), env); err != nil {
			cannot = append(cannot, inv.c.Key+" ("+inv.elem.Path+"): "+err.Error())
		}
	}
	sort.Strings(cannot)
	cannot = dedupe(cannot)
	if len(cannot) > 0 {
		t.Errorf("%d constraints cannot be evaluated:\n%s", len(cannot), strings.Join(cannot, "\n"))
	}
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
