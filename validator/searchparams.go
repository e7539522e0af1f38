package validator

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// What a SearchParameter derived from an R4 core SearchParameter
// (searchparams_gen.go) is held to, as the reference validator does.
var (
	ruleSPDerivedBase = define(finding.Rule{ID: "searchparameter.derived-base", Code: "business-rule", Severity: finding.Error,
		Summary: "a SearchParameter derived from another applies only to resource types the other applies to",
		Source:  "FHIR R4 searchparameter-definitions.html#SearchParameter.derivedFrom; graded as the HL7 reference validator"})
	ruleSPDerivedType = define(finding.Rule{ID: "searchparameter.derived-type", Code: "business-rule", Severity: finding.Error,
		Summary: "a SearchParameter derived from another has its type",
		Source:  "FHIR R4 searchparameter-definitions.html#SearchParameter.derivedFrom; graded as the HL7 reference validator"})
)

// searchParam is what validation compares against a core SearchParameter.
type searchParam struct {
	typ   string
	bases []string
}

var coreSearchParamIndex = sync.OnceValue(func() map[string]searchParam {
	m := map[string]searchParam{}
	for _, line := range strings.Split(coreSearchParams, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 {
			m[f[0]] = searchParam{typ: f[1], bases: f[2:]}
		}
	}
	return m
})

// coreSearchParam looks up a core SearchParameter by canonical URL (a
// version after '|' ignored).
func coreSearchParam(url string) (searchParam, bool) {
	url, _, _ = strings.Cut(url, "|")
	id, ok := strings.CutPrefix(url, "http://hl7.org/fhir/SearchParameter/")
	if !ok {
		return searchParam{}, false
	}
	sp, ok := coreSearchParamIndex()[id]
	return sp, ok
}

// checkSearchParameterDefinition holds a SearchParameter to the one it is
// derived from: its bases and its type.
func (w *walker) checkSearchParameterDefinition(n jsontree.ID) {
	t := w.tree
	var bases []string
	if b := t.Get(n, "base"); b != jsontree.None && t.Kind(b) == jsontree.Array {
		for e := t.First(b); e != jsontree.None; e = t.Next(e) {
			if s := t.Text(e); s != "" {
				bases = append(bases, s)
			}
		}
	}
	if master := t.Text(t.Get(n, "derivedFrom")); master != "" {
		if sp, ok := coreSearchParam(master); ok {
			for _, b := range bases {
				if !slices.Contains(sp.bases, b) && !slices.Contains(sp.bases, "Resource") {
					w.report(n, false, ruleSPDerivedBase, fmt.Sprintf(
						"the resource type %s is not a base of the SearchParameter this one is derived from (%s, bases %s)", b, master, strings.Join(sp.bases, ", ")))
				}
			}
			if typ := t.Text(t.Get(n, "type")); typ != "" && typ != sp.typ {
				w.report(n, false, ruleSPDerivedType, fmt.Sprintf(
					"the type %s differs from the type %s of the SearchParameter this one is derived from (%s)", typ, sp.typ, master))
			}
		}
	}
}
