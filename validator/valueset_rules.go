package validator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Parameterised value sets (the FHIR tooling extension valueset-parameter,
// with filter values given by cqf-expression), checked as the reference
// validator checks them: expressions are FHIRPath, and name only declared
// parameters; a declared parameter no expression uses is a warning.
var (
	ruleVSParamLanguage = define(finding.Rule{ID: "valueset.parameter-language", Code: "invalid", Severity: finding.Error,
		Summary: "a value set filter expression is FHIRPath (text/fhirpath)",
		Source:  "http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter; graded as the HL7 reference validator"})
	ruleVSParamUnknown = define(finding.Rule{ID: "valueset.parameter-unknown", Code: "invalid", Severity: finding.Error,
		Summary: "a value set filter expression names only parameters the value set declares",
		Source:  "http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter; graded as the HL7 reference validator"})
	ruleVSParamUnused = define(finding.Rule{ID: "valueset.parameter-unused", Code: "business-rule", Severity: finding.Warning,
		Summary: "a declared value set parameter is used by a filter expression",
		Source:  "http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter; graded as the HL7 reference validator"})
)

const (
	extVSParameter = "http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter"
	extCQFExpr     = "http://hl7.org/fhir/StructureDefinition/cqf-expression"
)

// fhirpathVar matches an external constant of a FHIRPath expression.
var fhirpathVar = regexp.MustCompile(`%([A-Za-z][A-Za-z0-9_-]*)`)

// fhirpathSystemVars are the constants FHIRPath and FHIR define themselves.
var fhirpathSystemVars = setOf("sct", "loinc", "ucum", "resource", "rootResource", "context", "us-zip", "this", "index", "total")

func (w *walker) checkValueSetParameters(n jsontree.ID) {
	t := w.tree
	type param struct {
		name string
		at   int
		used bool
	}
	var params []*param
	if exts := t.Get(n, "extension"); exts != jsontree.None && t.Kind(exts) == jsontree.Array {
		i := 0
		for e := t.First(exts); e != jsontree.None; e, i = t.Next(e), i+1 {
			if t.Text(t.Get(e, "url")) != extVSParameter {
				continue
			}
			if subs := t.Get(e, "extension"); subs != jsontree.None && t.Kind(subs) == jsontree.Array {
				for s := t.First(subs); s != jsontree.None; s = t.Next(s) {
					if t.Text(t.Get(s, "url")) == "name" {
						if name := t.Text(t.Get(s, "valueCode")); name != "" {
							params = append(params, &param{name: name, at: i})
						}
					}
				}
			}
		}
	}
	w.eachValueSetFilter(n, func(part string, i, j int, _, f jsontree.ID) {
		val := t.Get(f, "_value")
		exts := t.Get(val, "extension")
		if val == jsontree.None || exts == jsontree.None || t.Kind(exts) != jsontree.Array {
			return
		}
		k := 0
		for e := t.First(exts); e != jsontree.None; e, k = t.Next(e), k+1 {
			ve := t.Get(e, "valueExpression")
			if t.Text(t.Get(e, "url")) != extCQFExpr || ve == jsontree.None {
				continue
			}
			steps := append(filterSteps(part, i, j), "value", "extension", "["+strconv.Itoa(k)+"]", "valueExpression")
			if lang := t.Text(t.Get(ve, "language")); lang != "text/fhirpath" {
				w.at(ve, steps, ruleVSParamLanguage, fmt.Sprintf("a value set filter expression must be FHIRPath (language 'text/fhirpath'), not '%s'", lang))
				continue
			}
			expr := t.Text(t.Get(ve, "expression"))
			for _, m := range fhirpathVar.FindAllStringSubmatch(expr, -1) {
				name := m[1]
				if fhirpathSystemVars[name] {
					continue
				}
				k := slices.IndexFunc(params, func(p *param) bool { return p.name == name })
				if k < 0 {
					w.at(ve, steps, ruleVSParamUnknown, fmt.Sprintf("the filter expression '%s' names the parameter '%s', which this value set does not declare (valueset-parameter)", expr, name))
					continue
				}
				params[k].used = true
			}
		}
	})
	for _, p := range params {
		if !p.used {
			w.at(n, []string{"extension", "[" + strconv.Itoa(p.at) + "]"}, ruleVSParamUnused,
				fmt.Sprintf("the value set parameter '%s' is declared but no filter expression uses it", p.name))
		}
	}
}

var ruleVSFilterBoolean = define(finding.Rule{ID: "valueset.filter-boolean", Code: "invalid", Severity: finding.Error,
	Summary: "a value set filter on a boolean property (inactive, notSelectable) or with the exists operator has the value true or false",
	Source:  "FHIR R4 valueset-definitions.html#ValueSet.compose.include.filter.value and codesystem.html#defined-props; graded as the HL7 reference validator"})

// booleanProperties are the concept properties FHIR defines as boolean
// (R4 codesystem.html#defined-props) for every code system.
var booleanProperties = setOf("inactive", "notSelectable")

// checkValueSetFilterValues: a filter whose value must be a boolean (the
// exists operator, or = on a boolean property) says true or false.
func (w *walker) checkValueSetFilterValues(n jsontree.ID) {
	t := w.tree
	w.eachValueSetFilter(n, func(part string, i, j int, _, f jsontree.ID) {
		prop, op := t.Text(t.Get(f, "property")), t.Text(t.Get(f, "op"))
		vn := t.Get(f, "value")
		if vn == jsontree.None || t.Kind(vn) != jsontree.String || !(op == "exists" || op == "=" && booleanProperties[prop]) {
			return
		}
		if v := t.Str(vn); v != "true" && v != "false" {
			why := fmt.Sprintf("the property '%s' is a boolean", prop)
			if op == "exists" {
				why = "the operator 'exists' takes a boolean"
			}
			w.at(f, filterSteps(part, i, j), ruleVSFilterBoolean,
				fmt.Sprintf("the filter value must be 'true' or 'false', not '%s': %s", v, why))
		}
	})
}

// eachValueSetFilter calls fn for every compose.include/exclude[i].filter[j]
// of ValueSet n, in document order, with the include (or exclude) holding it.
func (w *walker) eachValueSetFilter(n jsontree.ID, fn func(part string, i, j int, inc, f jsontree.ID)) {
	t := w.tree
	compose := t.Get(n, "compose")
	if compose == jsontree.None {
		return
	}
	for _, part := range []string{"include", "exclude"} {
		arr := t.Get(compose, part)
		if arr == jsontree.None || t.Kind(arr) != jsontree.Array {
			continue
		}
		i := 0
		for inc := t.First(arr); inc != jsontree.None; inc, i = t.Next(inc), i+1 {
			filters := t.Get(inc, "filter")
			if filters == jsontree.None || t.Kind(filters) != jsontree.Array {
				continue
			}
			j := 0
			for f := t.First(filters); f != jsontree.None; f, j = t.Next(f), j+1 {
				fn(part, i, j, inc, f)
			}
		}
	}
}

// filterSteps is the location of compose.<part>[i].filter[j].
func filterSteps(part string, i, j int) []string {
	return []string{"compose", part, "[" + strconv.Itoa(i) + "]", "filter", "[" + strconv.Itoa(j) + "]"}
}

var ruleVSFilterECL = define(finding.Rule{ID: "valueset.filter-ecl", Code: "invalid", Severity: finding.Error,
	Summary: "a SNOMED CT 'constraint' filter value is an ECL expression; one that cannot parse (a concept followed by another concept or by a hierarchy operator) is an error",
	Source:  "SNOMED CT Expression Constraint Language (ECL) grammar; FHIR R4 snomedct.html#filters; graded as the HL7 reference validator (via its terminology server)"})

// eclAdjacencyError finds what no ECL expression can contain: a concept
// (an SCTID, '*' or a closing bracket) followed straight away by another
// concept or by a hierarchy or member-of operator ('<<', '>>', '<!', '>!',
// '^'); between them there must be a binary operator (AND, OR, MINUS, ',',
// ':', '=', '.' …). Terms (|…|), strings and {{ … }} filters are skipped.
// It is not a full ECL parser: it only reports what is certainly wrong.
func eclAdjacencyError(ecl string) string {
	prevConcept := false
	for i := 0; i < len(ecl); {
		c := ecl[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '|':
			if j := strings.IndexByte(ecl[i+1:], '|'); j >= 0 {
				i += j + 2
			} else {
				i = len(ecl)
			}
			continue // a term keeps what came before it
		case c == '"':
			j := strings.IndexByte(ecl[i+1:], '"')
			if j < 0 {
				return ""
			}
			i += j + 2
			prevConcept = false
			continue
		case strings.HasPrefix(ecl[i:], "{{"):
			j := strings.Index(ecl[i:], "}}")
			if j < 0 {
				return ""
			}
			i += j + 2
			prevConcept = true
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(ecl) && ecl[j] >= '0' && ecl[j] <= '9' {
				j++
			}
			if prevConcept {
				return fmt.Sprintf("'%s' follows a concept with no operator between them", ecl[i:j])
			}
			prevConcept, i = true, j
			continue
		case c == '#':
			j := i + 1
			for j < len(ecl) && (ecl[j] >= '0' && ecl[j] <= '9' || ecl[j] == '.' || ecl[j] == '-' || ecl[j] == '+') {
				j++
			}
			prevConcept, i = false, j
			continue
		case c == '*' || c == ')':
			if c == '*' && prevConcept {
				return "'*' follows a concept with no operator between them"
			}
			prevConcept = true
			i++
			continue
		}
		for _, op := range []string{"<<", ">>", "<!", ">!", "^"} {
			if strings.HasPrefix(ecl[i:], op) && prevConcept {
				return fmt.Sprintf("'%s' follows a concept with no operator between them", op)
			}
		}
		prevConcept = false
		i++
	}
	return ""
}

// checkValueSetECL reports SNOMED CT constraint filters whose ECL cannot parse.
func (w *walker) checkValueSetECL(n jsontree.ID) {
	t := w.tree
	w.eachValueSetFilter(n, func(part string, i, j int, inc, f jsontree.ID) {
		if t.Text(t.Get(inc, "system")) != "http://snomed.info/sct" || t.Text(t.Get(f, "property")) != "constraint" || t.Text(t.Get(f, "op")) != "=" {
			return
		}
		v := t.Text(t.Get(f, "value"))
		if why := eclAdjacencyError(v); why != "" {
			w.at(f, filterSteps(part, i, j), ruleVSFilterECL,
				fmt.Sprintf("the filter value '%s' is not a valid ECL expression: %s", v, why))
		}
	})
}
