package fhirpath

// corrections are published invariant expressions that are wrong as
// written, with the expressions the HL7 reference validator evaluates in
// their place (its FHIRPathExpressionFixer). Most only hold when the
// element they test is absent because they were written for an evaluator
// that passed an empty result; an invariant is a "condition that must
// evaluate to true" (FHIR R4 ElementDefinition.constraint) and EvaluateBool
// fails an empty result, so these get the guard they were missing. The
// others are corrections of FHIR R4 (and STU3) errata: que-12 says "more
// than one" but tests "> 2", Narrative's "generated" is "generation".
var corrections = map[string]string{
	// R4
	"probability is decimal implies (probability as decimal) <= 100":                                                      "probability.empty() or ((probability is decimal) implies ((probability as decimal) <= 100))",
	"enableWhen.count() > 2 implies enableBehavior.exists()":                                                              "enableWhen.count() >= 2 implies enableBehavior.exists()",
	"generated='generated' implies source.empty()":                                                                        "generation='generated' implies source.empty()",
	"reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))": "reference.exists() implies (reference = '#' or (reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))))",
	"fullUrl.contains('/_history/').not()":                                                                                "fullUrl.exists() implies fullUrl.contains('/_history/').not()",
	"name.matches('[A-Z]([A-Za-z0-9_]){0,254}')":                                                                          "name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')",
	"(component.empty() and hasMember.empty()) implies (dataAbsentReason or value)":                                       "(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())",
	"isModifier implies isModifierReason.exists()":                                                                        "(isModifier.exists() and isModifier) implies isModifierReason.exists()",
	"differential.element.all(id) and differential.element.id.trace('ids').isDistinct()":                                  "differential.element.all(id.exists()) and differential.element.id.trace('ids').isDistinct()",
	"snapshot.element.all(id) and snapshot.element.id.trace('ids').isDistinct()":                                          "snapshot.element.all(id.exists()) and snapshot.element.id.trace('ids').isDistinct()",
	// STU3
	"reference.startsWith('#').not() or (reference.substring(1).trace('url') in %resource.contained.id.trace('ids'))": "reference.exists() implies (reference = '#' or (reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))))",
	"(code or value.empty()) and (system.empty() or system = 'urn:iso:std:iso:4217')":                                 "(code.exists() or value.empty()) and (system.empty() or system = 'urn:iso:std:iso:4217')",
	"value.empty() or code!=component.code":                                                                           "value.empty() or (code in component.code).not()",
	"(code or value.empty()) and (system.empty() or system = %ucum) and (value.empty() or value > 0)":                 "(code.exists() or value.empty()) and (system.empty() or system = %ucum) and (value.empty() or value > 0)",
	"element.all(definition and min and max)":                                                                         "element.all(definition.exists() and min.exists() and max.exists())",
	"telecom or endpoint":                "telecom.exists() or endpoint.exists()",
	"searchType implies type = 'string'": "searchType.exists() implies type = 'string'",
	"abatement.empty() or (abatement as boolean).not()  or clinicalStatus='resolved' or clinicalStatus='remission' or clinicalStatus='inactive'": "abatement.empty() or (abatement is boolean).not() or (abatement as boolean).not() or (clinicalStatus = 'resolved') or (clinicalStatus = 'remission') or (clinicalStatus = 'inactive')",
	"(component.empty() and related.empty()) implies (dataAbsentReason or value)":                                                                "(component.empty() and related.empty()) implies (dataAbsentReason.exists() or value.exists())",
	"probability is decimal implies probability.as(decimal) <= 100":                                                                              "probability.empty() or (probability is decimal implies probability.as(decimal) <= 100)",
}

// CorrectInvariant returns the expression to evaluate for a published
// invariant: its correction when it is a known erratum, else itself.
func CorrectInvariant(expr string) string {
	if c, ok := corrections[expr]; ok {
		return c
	}
	return expr
}
