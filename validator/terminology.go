package validator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// checkCoding checks a Coding against its code system when the definitions
// hold that code system in full (the HL7 and FHIR code systems): an unknown
// code is an error whatever the binding, as in the reference validator.
// Codings of systems that need a terminology server (SNOMED CT, LOINC, ...)
// are counted, and the report says they were not verified.
func (w *walker) checkCoding(n jsontree.ID) {
	sys, code := codingOf(w.tree, n)
	if sys == "" || code == "" {
		return
	}
	disp, found, known := w.defs.LookupCode(sys, code)
	if found {
		w.checkDisplay(n, sys, code, disp)
	}
	switch {
	case !known:
		if w.rep.unverified == nil {
			w.rep.unverified = map[string]int{}
		}
		w.rep.unverified[sys]++
	case !found:
		c := w.tree.Get(n, "code")
		l := w.push("code")
		w.report(c, false, ruleCodeUnknown,
			fmt.Sprintf("%s is not a code of the code system %s", quoteValue(code), sys))
		w.pop(l)
	}
}

var ruleCodeDisplay = define(finding.Rule{ID: "code.display", Code: "invalid", Severity: Error, Source: srcTerm + "; graded as the HL7 reference validator",
	Summary: "a Coding's display is the display its (fully known) code system gives the code"})

// checkDisplay holds a Coding's display to the display of its code in a code
// system known in full. Case and surrounding spaces are not held against it
// (the reference validator does not reject those either); designations are
// not carried by the definitions, so only the display is compared.
func (w *walker) checkDisplay(n jsontree.ID, sys, code, want string) {
	t := w.tree
	d := t.Get(n, "display")
	if d == jsontree.None || t.Kind(d) != jsontree.String || want == "" {
		return
	}
	got := t.Str(d)
	if strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(want)) {
		return
	}
	l := w.push("display")
	w.report(d, false, ruleCodeDisplay, fmt.Sprintf("wrong display %s for %s#%s: the code system's display is %s", quoteValue(got), sys, code, quoteValue(want)))
	w.pop(l)
}

// reportUnverified adds one note naming the code systems whose codes could
// not be checked offline, most used first.
func (r *Report) reportUnverified() {
	if len(r.unverified) == 0 {
		return
	}
	total, list := countList(r.unverified, systemName)
	what := fmt.Sprintf("%d codes were", total)
	if total == 1 {
		what = "1 code was"
	}
	r.add(ruleCodeNotVerified.about(fmt.Sprintf("%s not checked: their code systems need a terminology server (%s)", what, list)))
}

// countList renders counts as "name (n), ...", most first, at most six, and
// returns their total.
func countList(counts map[string]int, name func(string) string) (total int, list string) {
	type count struct {
		key string
		n   int
	}
	var cs []count
	for k, n := range counts {
		cs = append(cs, count{k, n})
		total += n
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].n != cs[j].n {
			return cs[i].n > cs[j].n
		}
		return cs[i].key < cs[j].key
	})
	var parts []string
	for i, c := range cs {
		if i == 6 {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-6))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", name(c.key), c.n))
	}
	return total, strings.Join(parts, ", ")
}

// systemName gives a reader's name for the code systems that need a server.
func systemName(url string) string {
	switch url {
	case "http://snomed.info/sct":
		return "SNOMED CT"
	case "http://loinc.org":
		return "LOINC"
	case "http://www.nlm.nih.gov/research/umls/rxnorm":
		return "RxNorm"
	case "http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm":
		return "ICD-10"
	case "http://unitsofmeasure.org":
		return "UCUM"
	case "https://dmd.nhs.uk", "https://fhir.nhs.uk/Id/dmd":
		return "dm+d"
	case "http://hl7.org/fhir/sid/cvx":
		return "CVX"
	}
	return url
}
