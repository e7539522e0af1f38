package validator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/snapshot"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// noteStructureDefinition records a StructureDefinition that has a
// differential and no snapshot, to be checked when the walk is done.
func (w *walker) noteStructureDefinition(n jsontree.ID, typ string) {
	if typ != "StructureDefinition" {
		return
	}
	t := w.tree
	// StructureDefinition.type: a relative name is one of the FHIR types
	// (relative to http://hl7.org/fhir/StructureDefinition/); absolute URLs
	// are for the types of logical models.
	if tn := t.Get(n, "type"); tn != jsontree.None && t.Kind(tn) == jsontree.String {
		if typ := t.Str(tn); typ != "" && !strings.Contains(typ, ":") && w.defs.Type(typ) == nil {
			l := w.push("type")
			w.report(tn, false, ruleSDType, "The type "+typ+" is not legal because it is not defined in the FHIR specification. Other types must have a namespace on them")
			w.pop(l)
		}
	}
	w.checkTypeProfiles(n)
	if t.Get(n, "differential") == jsontree.None || t.Get(n, "snapshot") != jsontree.None {
		return
	}
	w.structDefs = append(w.structDefs, formResource{node: n, path: w.pathString(), resource: w.resource})
}

// checkStructureDefinitions generates the snapshot of each differential-only
// StructureDefinition of the input, as the reference validator does, and
// reports what is wrong with its differential (a path not in the base, an
// undefined slice, widened cardinality or types): at the StructureDefinition
// (the reference validator's "Error generating Snapshot" location), with the
// line and column of the differential element. A base or type that cannot be found says nothing about the
// differential and is not reported.
func (w *walker) checkStructureDefinitions() {
	if len(w.structDefs) == 0 {
		return
	}
	resolve := snapshot.Definitions(w.defs)
	t := w.tree
	for _, r := range w.structDefs {
		sd, err := structure.Decode(t.Raw(r.node))
		if err != nil {
			continue // the walk has reported what is wrong with it
		}
		_, fs := snapshot.Generate(sd, resolve)
		rep := w.reporterAt(r)
		for _, f := range fs {
			switch f.Rule {
			case snapshot.RulePath, snapshot.RuleSlice, snapshot.RuleCardinality, snapshot.RuleType:
			default:
				continue
			}
			// located, as the reference validator does, at the
			// StructureDefinition, with line:col of the differential element
			n := differentialElement(t, r.node, f.Expression)
			f.Expression = ""
			rep(n, f)
		}
	}
}

// differentialElement finds the node of "StructureDefinition.differential.element[i]".
func differentialElement(t *jsontree.Tree, sd jsontree.ID, expr string) jsontree.ID {
	rest, ok := strings.CutPrefix(expr, "StructureDefinition.differential.element[")
	if !ok {
		return jsontree.None
	}
	i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	if err != nil {
		return jsontree.None
	}
	d := t.Get(sd, "differential")
	if d == jsontree.None {
		return jsontree.None
	}
	els := t.Get(d, "element")
	if els == jsontree.None || t.Kind(els) != jsontree.Array || i < 0 || i >= t.Count(els) {
		return jsontree.None
	}
	return t.Item(els, i)
}

// checkTypeProfiles holds each type profile of the differential's elements
// to the type it is given for: the profile must be one of that type (a
// profile constraining it, or the type's own definition), as
// ElementDefinition.type.profile says. Profiles that cannot be found here are
// left alone.
func (w *walker) checkTypeProfiles(sd jsontree.ID) {
	t := w.tree
	els := t.Get(t.Get(sd, "differential"), "element")
	if els == jsontree.None || t.Kind(els) != jsontree.Array {
		return
	}
	l0 := w.push("differential")
	l1 := w.push("element")
	i := 0
	for e := t.First(els); e != jsontree.None; e, i = t.Next(e), i+1 {
		types := t.Get(e, "type")
		if types == jsontree.None || t.Kind(types) != jsontree.Array {
			continue
		}
		li := w.pushIndex(i)
		lt := w.push("type")
		k := 0
		for ty := t.First(types); ty != jsontree.None; ty, k = t.Next(ty), k+1 {
			code := t.Text(t.Get(ty, "code"))
			profiles := t.Get(ty, "profile")
			if code == "" || strings.Contains(code, ":") || profiles == jsontree.None || t.Kind(profiles) != jsontree.Array {
				continue
			}
			lk := w.pushIndex(k)
			lp := w.push("profile")
			j := 0
			for p := t.First(profiles); p != jsontree.None; p, j = t.Next(p), j+1 {
				if t.Kind(p) != jsontree.String {
					continue
				}
				def := w.defs.Profile(t.Str(p))
				if def == nil {
					continue
				}
				of := def.Base // a profile: the type it constrains
				if w.defs.Types[def.Name] == def {
					of = def.Name // a type's own definition
				}
				if of != "" && of != code {
					lj := w.pushIndex(j)
					w.report(p, false, ruleSDTypeProfile, fmt.Sprintf("Profile %s is for type %s, but the %s element has type %s",
						t.Str(p), of, t.Text(t.Get(e, "path")), code))
					w.pop(lj)
				}
			}
			w.pop(lp)
			w.pop(lk)
		}
		w.pop(lt)
		w.pop(li)
	}
	w.pop(l1)
	w.pop(l0)
}
